#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that calls in the module go one way: down its layers.

    scripts/check-layers.py [-v] OBJDIR

OBJDIR holds the module's objects, kernel/*.o, as "make module" leaves them
(build/mod/6.1/kernel).  The layers are declared once, in the literal block
that follows the line ".. layers: read by scripts/check-layers.py" in
Documentation/design.rst: one layer a line, the top layer first; the
words ending in .c are the layer's files, the rest (and anything in
parentheses) remarks.

For every object, nm gives the symbols it defines and the ones it uses; a
used symbol belongs to the object that defines it.  The check fails, with
one line each, when a file uses a symbol of a file in a layer above its
own, when the files' graph has a cycle (files of one layer may use each
other, one way), or when a file is in no layer.  Events go up through the
sink that netlink registers with notify.c, a function pointer, which is no
use of a symbol above.
"""

import argparse
import glob
import os
import re
import subprocess
import sys

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DESIGN = 'Documentation/design.rst'
MARKER = '.. layers: read by scripts/check-layers.py'


def fail(msg):
    print(f'check-layers: {msg}', file=sys.stderr)
    sys.exit(2)


def read_layers(path):
    """The layers, bottom first: a list of lists of file names."""
    try:
        with open(path, encoding='utf-8') as f:
            lines = f.read().split('\n')
    except OSError as e:
        fail(f'{path}: {e.strerror}')
    try:
        i = lines.index(MARKER)
    except ValueError:
        fail(f'{path}: no line "{MARKER}"')
    while i < len(lines) and not lines[i].rstrip().endswith('::'):
        i += 1
    i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    layers = []
    while i < len(lines) and (lines[i].startswith(' ') or not lines[i]):
        text = re.sub(r'\([^)]*\)', ' ', lines[i])
        files = re.findall(r'[\w-]+\.c\b', text)
        if files:
            layers.append(files)
        i += 1
    if not layers:
        fail(f'{path}: no layers after "{MARKER}"')
    return list(reversed(layers))


def symbols(obj):
    """The global symbols @obj defines, and those it uses."""
    try:
        out = subprocess.run(['nm', obj], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        fail(f'nm {obj}: {e}')
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == 'U':
            used.add(parts[1])
        elif len(parts) == 3 and parts[1] in 'TDRBCGSVW':
            defined.add(parts[2])
    return defined, used


def find_cycle(graph):
    """A cycle of @graph as a list of nodes, or None."""
    state = {}

    def visit(node, path):
        state[node] = 'open'
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 'open':
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, path)
                if found:
                    return found
        path.pop()
        state[node] = 'done'
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('objdir', help='where kernel/*.o were built')
    parser.add_argument('-v', '--verbose', action='store_true',
                        help='print what each file uses')
    args = parser.parse_args()

    layers = read_layers(os.path.join(SRC, DESIGN))
    level = {}
    for n, files in enumerate(layers):
        for name in files:
            if name in level:
                fail(f'{DESIGN}: {name} is in two layers')
            level[name] = n

    objs = sorted(glob.glob(os.path.join(args.objdir, '*.o')))
    objs = [o for o in objs if not o.endswith('.mod.o')]
    if not objs:
        fail(f'no objects in {args.objdir}: make module first')
    problems = []
    sources = {os.path.basename(p) for p in
               glob.glob(os.path.join(SRC, 'kernel', '*.c'))}
    for name in sorted(sources - set(level)):
        problems.append(f'kernel/{name} is in no layer of {DESIGN}')
    for name in sorted(set(level) - sources):
        problems.append(f'{DESIGN} names kernel/{name}, which does not '
                        'exist')

    defs, uses = {}, {}
    for obj in objs:
        name = os.path.basename(obj)[:-2] + '.c'
        if name not in sources:
            continue
        defs[name], uses[name] = symbols(obj)
    missing = sources - set(defs)
    if missing:
        fail(f'no object for {", ".join(sorted(missing))} in {args.objdir}: '
             'make module first')
    owner = {}
    for name, syms in defs.items():
        for sym in syms:
            owner[sym] = name

    graph = {}
    for name in sorted(uses):
        for sym in sorted(uses[name]):
            callee = owner.get(sym)
            if callee is None or callee == name:
                continue
            graph.setdefault(name, set()).add(callee)
            if args.verbose:
                print(f'kernel/{name} -> kernel/{callee}: {sym}')
            if name in level and callee in level and \
                    level[callee] > level[name]:
                problems.append(f'kernel/{name} uses {sym} of '
                                f'kernel/{callee}, a layer above it')
    cycle = find_cycle(graph)
    if cycle:
        problems.append('cycle: ' + ' -> '.join(f'kernel/{c}'
                                                 for c in cycle))
    for p in problems:
        print(f'check-layers: {p}', file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
