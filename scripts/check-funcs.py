#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the module's functions the way its reviewers read them.

    scripts/check-funcs.py [--length] [--locks] [--pr-fmt] [FILE.c ...]

Over kernel/*.c (or the files given), with no option all three checks:

  --length   no function is longer than 60 lines, counted from the first
             line of its signature to its closing brace, both included
  --locks    a function whose comment, above it or in its body, says a lock
             is held ("memresv_lock held", "Caller holds io_lock", "both
             locks held") asserts it with lockdep_assert_held() on that lock
  --pr-fmt   every file defines pr_fmt before its first #include

Each finding is one line, "file:line: what", and the exit status is 1
when there is any.  Functions are found as kernel style writes them: the
opening brace alone on a line in column 0 after the signature, the closing
brace alone in column 0.
"""

import argparse
import glob
import os
import re
import sys

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_LINES = 60

# What "held" means in a comment: a lock named, then held; or held by the
# caller.  "both locks" are the two a reservation's change takes.
HELD = [re.compile(r'\b(\w+_lock)\s+(?:is\s+)?held\b'),
        re.compile(r'\b[Cc]aller\s+holds\s+(\w+_lock)\b'),
        re.compile(r'\bholds\s+(\w+_lock)\b')]
BOTH = re.compile(r'\bboth\s+locks\s+held\b')
BOTH_LOCKS = ['memresv_lock', 'io_lock']
# Said of a lock that may or may not be held: no requirement.
OPTIONAL = re.compile(r'\b[Mm]ay\s+be\s+called\s+with\s+\w+_lock\s+held\b')
ASSERT = re.compile(r'lockdep_assert_held\s*\(\s*&?\s*([\w.>-]+)\s*\)')


class Function:
    def __init__(self, name, start, brace, end, comment):
        self.name = name
        self.start = start      # first line of the signature, 0-based
        self.brace = brace
        self.end = end          # the closing brace
        self.comment = comment  # (first, last) line of the comment above

    @property
    def length(self):
        return self.end - self.start + 1


def signature_start(lines, brace):
    """The first line of the signature whose body opens at @brace."""
    i = brace - 1
    while i > 0:
        prev = lines[i - 1].rstrip()
        if not prev or prev.endswith((';', '}', '*/', '{')) or \
                prev.startswith(('#', '/*', ' *', '//')):
            break
        i -= 1
    return i


def comment_above(lines, start):
    """The lines of the comment block that ends just above @start."""
    i = start - 1
    if i < 0 or not lines[i].rstrip().endswith('*/'):
        return None
    last = i
    while i >= 0 and not lines[i].lstrip().startswith('/*'):
        i -= 1
    return (i, last) if i >= 0 else None


def functions(lines):
    out = []
    i = 0
    while i < len(lines):
        if lines[i].rstrip() != '{':
            i += 1
            continue
        start = signature_start(lines, i)
        end = i + 1
        while end < len(lines) and lines[end].rstrip() != '}':
            end += 1
        sig = ' '.join(lines[start:i])
        m = re.search(r'(\w+)\s*\(', sig)
        if m:
            out.append(Function(m.group(1), start, i, end,
                                comment_above(lines, start)))
        i = end + 1
    return out


def comments(text):
    """The text of every comment in @text, markers and stars taken out."""
    out = []
    for m in re.finditer(r'/\*(.*?)\*/', text, re.S):
        body = re.sub(r'^\s*\*+ ?', ' ', m.group(1), flags=re.M)
        out.append(' '.join(body.split()))
    return ' '.join(out)


def held_locks(text):
    text = OPTIONAL.sub(' ', text)
    locks = set()
    for pattern in HELD:
        locks.update(pattern.findall(text))
    if BOTH.search(text):
        locks.update(BOTH_LOCKS)
    return locks


def asserted(body):
    return {re.split(r'->|\.', arg)[-1] for arg in ASSERT.findall(body)}


def check_file(path, opts, rel):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    lines = text.split('\n')
    found = []
    if opts.pr_fmt:
        first_include = next((n for n, line in enumerate(lines)
                              if line.startswith('#include')), len(lines))
        if not any(line.startswith('#define pr_fmt(')
                   for line in lines[:first_include]):
            found.append(f'{rel}:1: no pr_fmt defined before the first '
                         '#include')
    for fn in functions(lines):
        where = f'{rel}:{fn.start + 1}: {fn.name}()'
        if opts.length and fn.length > opts.max_lines:
            found.append(f'{where} is {fn.length} lines long (at most '
                         f'{opts.max_lines})')
        if not opts.locks:
            continue
        said = '\n'.join(lines[fn.start:fn.end + 1])
        if fn.comment:
            said = '\n'.join(lines[fn.comment[0]:fn.comment[1] + 1]) + \
                '\n' + said
        body = '\n'.join(lines[fn.brace:fn.end + 1])
        missing = held_locks(comments(said)) - asserted(body)
        for lock in sorted(missing):
            found.append(f'{where} says {lock} is held but does not '
                         f'lockdep_assert_held() it')
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--length', action='store_true')
    parser.add_argument('--locks', action='store_true')
    parser.add_argument('--pr-fmt', action='store_true')
    parser.add_argument('--max-lines', type=int, default=MAX_LINES)
    parser.add_argument('files', nargs='*')
    opts = parser.parse_args()
    if not (opts.length or opts.locks or opts.pr_fmt):
        opts.length = opts.locks = opts.pr_fmt = True
    files = opts.files or sorted(glob.glob(os.path.join(SRC, 'kernel',
                                                        '*.c')))
    found = []
    for path in files:
        rel = os.path.relpath(path, SRC) if not opts.files else path
        try:
            found += check_file(path, opts, rel)
        except OSError as e:
            print(f'check-funcs: {path}: {e.strerror}', file=sys.stderr)
            return 2
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
