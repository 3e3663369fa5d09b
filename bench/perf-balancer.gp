# SPDX-License-Identifier: GPL-2.0
#
# Target and usage of two reservations over time, from the CSV that
# bench/react_bench.c records in the VM:
#
#   gnuplot -e "csv='build/bench/balancer.csv'; png='out.png'" \
#           bench/perf-balancer.gp

set datafile separator ","
set terminal pngcairo size 960,540 font ",10" noenhanced
set output png
set title "memresv balancer: two workloads on a 512 MiB capacity (period 500 ms; weights A 3000, B 1000)"
set xlabel "seconds"
set ylabel "MiB"
set key at graph 0.99, graph 0.72
set grid
set xrange [0:*]
set yrange [0:560]

set arrow from 3, graph 0 to 3, graph 1 nohead dashtype 3 lc rgb "#999999"
set arrow from 15, graph 0 to 15, graph 1 nohead dashtype 3 lc rgb "#999999"
set arrow from 30, graph 0 to 30, graph 1 nohead dashtype 3 lc rgb "#999999"
set arrow from 42, graph 0 to 42, graph 1 nohead dashtype 3 lc rgb "#999999"
set label "A grows to 320" at 3.5, 540
set label "B grows to 320" at 15.5, 540
set label "A shrinks to 64" at 30.5, 540
set label "B shrinks to 96" at 42.5, 540

plot 512 title "capacity" with lines dashtype 2 lc rgb "#444444", \
     csv using 1:2 title "A target" with lines lw 2 lc rgb "#1f77b4", \
     csv using 1:3 title "A usage" with lines dashtype 2 lc rgb "#1f77b4", \
     csv using 1:5 title "B target" with lines lw 2 lc rgb "#d62728", \
     csv using 1:6 title "B usage" with lines dashtype 2 lc rgb "#d62728"
