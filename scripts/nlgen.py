#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate memresv's netlink contract from its spec.

    scripts/nlgen.py            check the spec, write the generated files
    scripts/nlgen.py --check    check the spec, and fail when a generated
                                file differs from what the spec gives

Documentation/netlink/memresv.yaml (the kernel's genetlink-c schema) is the
one source of the generic netlink family.  From it come:

  uapi/linux/memresv.h   every enum and #define of the contract, with the
                         spec's docs: the family name and version, the
                         multicast groups, the constants, the enums, the
                         attributes and the commands
  kernel/nl-gen.h        what the module does with it: range tables, one
                         policy per distinct request, the command table
                         that nl_doit() dispatches on, the operations, the
                         multicast groups and the family; included by
                         kernel/netlink.c alone, which defines the handlers
                         it names

How the spec reads here (Documentation/netlink.rst has the long form):
  - admin-perm on a command means "needs CAP_SYS_ADMIN in the initial user
    namespace", checked by nl_doit() with a message; on a multicast group it
    is GENL_MCAST_CAP_SYS_ADMIN.
  - the do handler of command resv-new is nl_resv_new(info, e), its dump
    nl_resv_new_dump(skb, cb), and a dump's "pre" names its start callback.
  - checks name constants of the spec, C names the header defines (an
    enum's max) or the kernel's limits (u32-max); lengths name a constant
    of the spec or a kernel define, with an optional " - 1" (PATH_MAX - 1).
"""

import argparse
import os
import re
import sys

try:
    import yaml
except ImportError:
    sys.exit('nlgen: python3-yaml is missing (scripts/deps.sh install)')

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = 'Documentation/netlink/memresv.yaml'
UAPI = 'uapi/linux/memresv.h'
KERN = 'kernel/nl-gen.h'

INT_TYPES = {
    'u8': (0, 2**8 - 1), 'u16': (0, 2**16 - 1), 'u32': (0, 2**32 - 1),
    'u64': (0, 2**64 - 1), 's8': (-2**7, 2**7 - 1),
    's16': (-2**15, 2**15 - 1), 's32': (-2**31, 2**31 - 1),
    's64': (-2**63, 2**63 - 1),
}
NLA_TYPES = {
    'u8': 'NLA_U8', 'u16': 'NLA_U16', 'u32': 'NLA_U32', 'u64': 'NLA_U64',
    's32': 'NLA_S32', 's64': 'NLA_S64', 'flag': 'NLA_FLAG',
    'string': 'NLA_NUL_STRING', 'binary': 'NLA_BINARY',
}
ATTR_TYPES = ['unused', 'pad', 'flag', 'binary', 'uint', 'sint', 'u8', 'u16',
              'u32', 'u64', 's32', 's64', 'string', 'nest', 'array-nest',
              'nest-type-value']


class SpecError(Exception):
    pass


def c_upper(name):
    return name.upper().replace('-', '_')


def c_lower(name):
    return name.lower().replace('-', '_')


# --------------------------------------------------------------------------
# The schema: the genetlink-c schema's keys and types, checked by hand so
# that nothing beyond python3-yaml is needed.

def _str(v):
    return isinstance(v, str)


def _int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _uint(v):
    return _int(v) and v >= 0


def _bool(v):
    return isinstance(v, bool)


def _str_or_int(v):
    return _str(v) or _int(v)


def _one_of(*values):
    return lambda v: v in values


def _list_of(check):
    return lambda v: isinstance(v, list) and all(check(x) for x in v)


# Lengths may name a constant of the spec in its own spelling, as limits
# may in newer versions of the schema.
LEN_OR_DEFINE = re.compile(r'^[0-9A-Za-z_-]+( - 1)?$')
LEN_OR_LIMIT = re.compile(r'^[0-9A-Za-z_-]+$')


def _len_or_define(v):
    return _uint(v) or (_str(v) and LEN_OR_DEFINE.match(v) is not None)


def _len_or_limit(v):
    return _uint(v) or (_str(v) and LEN_OR_LIMIT.match(v) is not None)


def _flags(v):
    return _list_of(_one_of('admin-perm'))(v)


CHECKS = {'keys': {'flags-mask': _str, 'min': _len_or_limit,
                   'max': _len_or_limit, 'min-len': _len_or_define,
                   'max-len': _len_or_define, 'exact-len': _len_or_define}}
ENTRY = {'required': ['name'],
         'keys': {'name': _str, 'value': _int, 'doc': _str}}
DEFINITION = {
    'required': ['type', 'name'],
    'keys': {'name': _str, 'header': _str,
             'type': _one_of('const', 'enum', 'flags'), 'doc': _str,
             'value': _str_or_int, 'value-start': _str_or_int,
             'entries': ('list', ENTRY), 'render-max': _bool,
             'enum-name': lambda v: v is None or _str(v),
             'name-prefix': _str, 'enum-cnt-name': _str,
             'enum-max-name': _str},
    'c-only': ['enum-name', 'name-prefix', 'enum-cnt-name', 'enum-max-name'],
}
ATTRIBUTE = {
    'required': ['name', 'type'],
    'keys': {'name': _str, 'type': _one_of(*ATTR_TYPES), 'doc': _str,
             'value': _uint, 'type-value': _list_of(_str),
             'byte-order': _one_of('little-endian', 'big-endian'),
             'multi-attr': _bool, 'nested-attributes': _str, 'enum': _str,
             'enum-as-flags': _bool, 'checks': CHECKS,
             'sub-type': _one_of(*ATTR_TYPES),
             'display-hint': _one_of('hex', 'mac', 'fddi', 'ipv4', 'ipv6',
                                     'uuid'),
             'name-prefix': _str},
    'c-only': ['name-prefix'],
}
ATTR_SET = {
    'required': ['name', 'attributes'],
    'keys': {'name': _str, 'name-prefix': _str, 'enum-name': _str,
             'doc': _str, 'subset-of': _str, 'attr-cnt-name': _str,
             'attr-max-name': _str, 'attributes': ('list', ATTRIBUTE)},
    'c-only': ['attr-cnt-name', 'attr-max-name'],
}
ATTR_LIST = {'keys': {'attributes': _list_of(_str)}}
SUBOP = {'keys': {'request': ATTR_LIST, 'reply': ATTR_LIST, 'pre': _str,
                  'post': _str}}
OPERATION = {
    'required': ['name', 'doc'],
    'keys': {'name': _str, 'doc': _str, 'value': _uint,
             'attribute-set': _str, 'flags': _flags,
             'dont-validate': _list_of(_one_of('strict', 'dump',
                                               'dump-strict')),
             'config-cond': _str, 'do': SUBOP, 'dump': SUBOP,
             'notify': _str, 'event': ATTR_LIST, 'mcgrp': _str},
}
OPERATIONS = {
    'required': ['list'],
    'keys': {'enum-model': _one_of('unified'), 'name-prefix': _str,
             'enum-name': _str, 'async-prefix': _str, 'async-enum': _str,
             'list': ('list', OPERATION)},
}
MCGRP = {'required': ['name'],
         'keys': {'name': _str, 'c-define-name': _str, 'flags': _flags},
         'c-only': ['c-define-name']}
MCGRPS = {'required': ['list'], 'keys': {'list': ('list', MCGRP)}}
TOP = {
    'required': ['name', 'doc', 'attribute-sets', 'operations'],
    'keys': {'name': _str, 'doc': _str,
             'protocol': _one_of('genetlink', 'genetlink-c'),
             'uapi-header': _str, 'c-family-name': _str,
             'c-version-name': _str, 'max-by-define': _bool,
             'cmd-max-name': _str, 'cmd-cnt-name': _str,
             'definitions': ('list', DEFINITION),
             'attribute-sets': ('list', ATTR_SET),
             'operations': OPERATIONS, 'mcast-groups': MCGRPS},
    'c-only': ['c-family-name', 'c-version-name', 'max-by-define',
               'cmd-max-name', 'cmd-cnt-name'],
}


def check_schema(node, schema, where, c_ok, errors):
    """Check @node against @schema; append 'where: problem' to @errors."""
    if not isinstance(node, dict):
        errors.append(f'{where}: must be a mapping')
        return
    for key in schema.get('required', []):
        if key not in node:
            errors.append(f'{where}: "{key}" is required')
    for key, value in node.items():
        rule = schema['keys'].get(key)
        at = f'{where}.{key}'
        if rule is None:
            errors.append(f'{at}: not a key of the genetlink-c schema')
            continue
        if key in schema.get('c-only', []) and not c_ok:
            errors.append(f'{at}: needs "protocol: genetlink-c"')
        if isinstance(rule, tuple):
            if not isinstance(value, list):
                errors.append(f'{at}: must be a list')
                continue
            for i, item in enumerate(value):
                check_schema(item, rule[1], f'{at}[{i}]', c_ok, errors)
        elif isinstance(rule, dict):
            check_schema(value, rule, at, c_ok, errors)
        elif not rule(value):
            errors.append(f'{at}: {value!r} is not allowed here')


# --------------------------------------------------------------------------
# The family, resolved: C names and values of everything in the spec.

class Family:
    def __init__(self, spec):
        self.spec = spec
        self.name = spec['name']
        self.doc = spec['doc']
        self.consts = {}        # spec name -> (C name, value, doc)
        self.enums = []         # dicts, in spec order
        self.definitions = []   # ('const', name) / ('enum', enum), in order
        self.cnames = {}        # C name -> value, for checks naming C
        self._resolve_definitions()
        self._resolve_attrs()
        self._resolve_ops()
        self._resolve_mcgrps()
        self._check()

    def _default(self, key, default):
        return self.spec.get(key, default)

    def _resolve_definitions(self):
        fam = self.name
        for d in self.spec.get('definitions', []):
            if d['type'] == 'const':
                cname = c_upper(d['name'] if d.get('header')
                                else f'{fam}-{d["name"]}')
                self.consts[d['name']] = (cname, d['value'], d.get('doc'))
                if not d.get('header'):
                    self.definitions.append(('const', d['name']))
                if _int(d['value']):
                    self.cnames[cname] = d['value']
                continue
            if d['type'] == 'flags':
                raise SpecError(f'definitions.{d["name"]}: flags are not '
                                'supported by this generator')
            prefix = d.get('name-prefix', f'{fam}-{d["name"]}-')
            enum = {
                'name': d['name'], 'doc': d.get('doc'),
                'cname': None if ('enum-name' in d and
                                  d['enum-name'] is None)
                else c_lower(d.get('enum-name') or f'{fam}-{d["name"]}'),
                'entries': [], 'header': d.get('header'),
            }
            value = d.get('value-start', 0)
            if not _int(value):
                raise SpecError(f'definitions.{d["name"]}.value-start: '
                                'must be a number here')
            for e in d.get('entries', []):
                if isinstance(e, str):
                    e = {'name': e}
                value = e.get('value', value)
                cname = c_upper(prefix + e['name'])
                enum['entries'].append((cname, value, e.get('doc')))
                self.cnames[cname] = value
                value += 1
            if d.get('render-max'):
                cnt = c_upper(d.get('enum-cnt-name', f'__{prefix}max'))
                mx = c_upper(d.get('enum-max-name', f'{prefix}max'))
                enum['max'] = (cnt, mx)
                self.cnames[mx] = value - 1
            self.enums.append(enum)
            if not d.get('header'):
                self.definitions.append(('enum', enum))

    def _resolve_attrs(self):
        sets = self.spec['attribute-sets']
        if len(sets) != 1 or 'subset-of' in sets[0]:
            raise SpecError('attribute-sets: this generator takes one flat '
                            'attribute set')
        aset = sets[0]
        self.aset = aset
        fam = self.name
        prefix = aset.get('name-prefix', f'{fam}-a-{aset["name"]}-')
        self.attr_enum = c_lower(aset.get('enum-name',
                                          f'{fam}-{aset["name"]}-attrs'))
        self.attr_unspec = c_upper(prefix + 'unspec')
        self.attr_cnt = c_upper(aset.get('attr-cnt-name', f'__{prefix}max'))
        self.attr_max = c_upper(aset.get('attr-max-name', f'{prefix}max'))
        self.attrs = {}
        value = 1
        for a in aset['attributes']:
            value = a.get('value', value)
            attr = dict(a)
            attr['cname'] = c_upper(a.get('name-prefix', prefix) + a['name'])
            attr['value'] = value
            if a['name'] in self.attrs:
                raise SpecError(f'attribute-sets.{aset["name"]}: '
                                f'{a["name"]} is there twice')
            self.attrs[a['name']] = attr
            value += 1

    def _resolve_ops(self):
        ops = self.spec['operations']
        fam = self.name
        prefix = ops.get('name-prefix', f'{fam}-cmd-')
        self.cmd_enum = c_lower(ops.get('enum-name', f'{fam}-cmd'))
        self.cmd_unspec = c_upper(prefix + 'unspec')
        self.cmd_cnt = c_upper(self._default('cmd-cnt-name',
                                             f'__{prefix}max'))
        self.cmd_max = c_upper(self._default('cmd-max-name', f'{prefix}max'))
        self.ops = []
        value = 1
        for o in ops['list']:
            value = o.get('value', value)
            op = dict(o)
            op['cname'] = c_upper(prefix + o['name'])
            op['value'] = value
            op['fn'] = 'nl_' + c_lower(o['name'])
            self.ops.append(op)
            value += 1

    def _resolve_mcgrps(self):
        fam = self.name
        self.mcgrps = []
        for g in self.spec.get('mcast-groups', {}).get('list', []):
            self.mcgrps.append({
                'name': g['name'],
                'cname': c_upper(g.get('c-define-name',
                                       f'{fam}-mcgrp-{g["name"]}')),
                'grp': 'NLGRP_' + c_upper(g['name']),
                'admin': 'admin-perm' in g.get('flags', []),
            })
        self.family_cname = c_upper(self._default('c-family-name',
                                                  f'{fam}-family-name'))
        self.version_cname = c_upper(self._default('c-version-name',
                                                   f'{fam}-family-version'))

    # What the generated code relies on, and the spec's own consistency.
    def _check(self):
        names = set()
        for kind, d in self.definitions:
            name = d if kind == 'const' else d['name']
            if name in names:
                raise SpecError(f'definitions: {name} is there twice')
            names.add(name)
        enums = {e['name']: e for e in self.enums}
        for name, a in self.attrs.items():
            where = f'attribute {name}'
            if a['type'] not in NLA_TYPES and a['type'] != 'pad':
                raise SpecError(f'{where}: type {a["type"]} is not '
                                'supported by this generator')
            if 'enum' in a and a['enum'] not in enums:
                raise SpecError(f'{where}: no enum {a["enum"]}')
            self._check_checks(a, where)
        ops = set()
        grps = {g['name'] for g in self.mcgrps}
        for op in self.ops:
            where = f'operation {op["name"]}'
            if op['name'] in ops:
                raise SpecError(f'{where}: there twice')
            ops.add(op['name'])
            if op.get('attribute-set', self.aset['name']) != \
                    self.aset['name']:
                raise SpecError(f'{where}: no attribute set '
                                f'{op["attribute-set"]}')
            for part in ('do', 'dump', 'event'):
                sub = op.get(part, {})
                lists = [sub] if part == 'event' else \
                    [sub.get('request', {}), sub.get('reply', {})]
                for lst in lists:
                    for attr in lst.get('attributes', []):
                        if attr not in self.attrs:
                            raise SpecError(f'{where}: {part} names no '
                                            f'attribute {attr}')
            if 'event' in op and op.get('mcgrp') not in grps:
                raise SpecError(f'{where}: an event needs the mcgrp it '
                                'goes to')
            if 'event' in op and ('do' in op or 'dump' in op):
                raise SpecError(f'{where}: an event is sent, not done')
            if 'event' not in op and 'do' not in op and 'dump' not in op:
                raise SpecError(f'{where}: needs do, dump or event')
            for key in ('notify', 'config-cond', 'dont-validate'):
                if key in op:
                    raise SpecError(f'{where}: {key} is not supported by '
                                    'this generator')
            if 'do' in op and ('pre' in op['do'] or 'post' in op['do']):
                raise SpecError(f'{where}: genl_ops have no per-command '
                                'pre_doit or post_doit')
            if 'dump' in op:
                if 'post' in op['dump']:
                    raise SpecError(f'{where}: dump post is not supported '
                                    'by this generator')
                if 'admin-perm' in op.get('flags', []):
                    raise SpecError(f'{where}: admin-perm is checked by '
                                    'nl_doit(), which dumps do not pass')
                dreq = op['dump'].get('request')
                if dreq and 'do' in op and \
                        dreq != op['do'].get('request'):
                    raise SpecError(f'{where}: a genl_ops has one policy: '
                                    'the dump request must be the do '
                                    "request, or absent")
            for attr in self.request(op):
                self._check_request_attr(self.attrs[attr], where)

    def limit(self, value, where):
        """The number and the C text of a check's limit."""
        if _int(value):
            return value, str(value)
        if value in self.consts:
            cname, number, _ = self.consts[value]
            if not _int(number):
                raise SpecError(f'{where}: constant {value} is no number')
            return number, cname
        m = re.match(r'^([su])(8|16|32|64)-(min|max)$', value)
        if m:
            lo, hi = INT_TYPES[m.group(1) + m.group(2)]
            return (lo if m.group(3) == 'min' else hi), c_upper(value)
        if c_upper(value) in self.cnames:
            return self.cnames[c_upper(value)], c_upper(value)
        raise SpecError(f'{where}: limit {value} names no constant')

    def length(self, value):
        """The C text of a length: a number, a constant of the spec or a
        kernel define, with an optional " - 1"."""
        if _int(value):
            return str(value)
        name, minus = (value[:-4], ' - 1') if value.endswith(' - 1') \
            else (value, '')
        for spelling in (name, name.replace('_', '-')):
            if spelling in self.consts:
                return self.consts[spelling][0] + minus
        return name + minus

    def _check_checks(self, a, where):
        checks = a.get('checks', {})
        if not checks:
            return
        if a['type'] in INT_TYPES:
            bad = set(checks) - {'min', 'max'}
            if bad:
                raise SpecError(f'{where}: checks {sorted(bad)} are for '
                                'strings and binaries')
            lo, hi = INT_TYPES[a['type']]
            mn = self.limit(checks.get('min', lo), where)[0]
            mx = self.limit(checks.get('max', hi), where)[0]
            if not lo <= mn <= mx <= hi:
                raise SpecError(f'{where}: checks {mn}..{mx} do not fit '
                                f'{a["type"]}')
        elif a['type'] in ('string', 'binary'):
            bad = set(checks) - {'max-len', 'min-len', 'exact-len'}
            if bad or (a['type'] == 'string' and set(checks) != {'max-len'}):
                raise SpecError(f'{where}: a string takes max-len alone')
        else:
            raise SpecError(f'{where}: a {a["type"]} takes no checks')

    def _check_request_attr(self, a, where):
        where = f'{where}: request attribute {a["name"]}'
        if a['type'] == 'pad':
            raise SpecError(f'{where}: padding is no request attribute')
        if a['type'] == 'binary':
            raise SpecError(f'{where}: binary is not supported by this '
                            'generator')
        if 'enum' in a:
            enum = next(e for e in self.enums if e['name'] == a['enum'])
            last = max(v for _, v, _ in enum['entries'])
            mx = a.get('checks', {}).get('max')
            if mx is None or self.limit(mx, where)[0] != last:
                raise SpecError(f'{where}: an enum in a request needs '
                                f'checks max {last}, its last value')

    def request(self, op):
        """The attributes a command's policy accepts, in attribute order."""
        sub = op.get('do') or op.get('dump') or {}
        names = sub.get('request', {}).get('attributes', [])
        return sorted(names, key=lambda n: self.attrs[n]['value'])


# --------------------------------------------------------------------------
# Writing C.

def wrap(text, first, rest, width=80):
    """@text, one paragraph, as comment lines starting @first, then @rest.

    Sentences keep the two spaces that end them, and tabs count as eight
    columns, as checkpatch counts them.
    """
    words = []
    for m in re.finditer(r'(\S+)(\s*)', text.strip()):
        word, space = m.groups()
        end = word.endswith(('.', '?', '!')) and \
            ('  ' in space or '\n' in space)
        words.append((word, '  ' if end else ' '))
    lines = []
    line = first
    fresh = True
    for i, (word, _) in enumerate(words):
        sep = '' if fresh else words[i - 1][1]
        if not fresh and cwidth(line + sep + word) > width:
            lines.append(line)
            line = rest + word
        else:
            line += sep + word
        fresh = False
    lines.append(line.rstrip())
    return lines


def paragraphs(text):
    return [p for p in re.split(r'\n\s*\n', text.strip()) if p.strip()]


def cwidth(text):
    return len(text.expandtabs(8))


def tab_to(text, column):
    """@text followed by tabs up to @column (a multiple of 8)."""
    out = text
    while cwidth(out) < column:
        out += '\t'
    return out if out != text else text + '\t'


def c_number(value):
    if _str(value):
        return '"' + value + '"'
    if value > 0x7fffffff:
        return f'{value}ULL'
    return str(value)


def render_defines(rows):
    """#define lines, values and short comments aligned."""
    col = (max(cwidth('#define ' + n) for n, _, _ in rows) // 8 + 1) * 8
    lines = [tab_to('#define ' + n, col) + v for n, v, _ in rows]

    def fits(line, doc):
        return cwidth(tab_to(line, 8 * (cwidth(line) // 8 + 1)) +
                      f'/* {doc} */') <= 80

    short = [cwidth(line) for line, (_, _, doc) in zip(lines, rows)
             if doc and fits(line, doc)]
    vcol = (max(short) // 8 + 1) * 8 if short else 0
    out = []
    for line, (_, _, doc) in zip(lines, rows):
        if doc:
            trailing = tab_to(line, vcol) + f'/* {doc} */'
            if cwidth(line) < vcol and cwidth(trailing) <= 80:
                line = trailing
            else:
                out.extend(_block(doc))
        out.append(line)
    return out


def _block(doc):
    lines = wrap(doc, '/* ', ' * ')
    if len(lines) == 1 and cwidth(lines[0] + ' */') <= 80:
        return [lines[0] + ' */']
    return ['/*'] + wrap(doc, ' * ', ' * ') + [' */']


def kerneldoc_enum(cname, doc, members):
    """A kernel-doc comment of an enum and its documented members."""
    out = ['/**']
    title = f' * enum {cname}'
    long_doc = []
    if doc:
        paras = paragraphs(doc)
        one = ' '.join(paras[0].split())
        if len(paras) == 1 and cwidth(f'{title} - {one}') <= 80:
            title = f'{title} - {one}'
        else:
            long_doc = paras
    out.append(title)
    for name, mdoc in members:
        if mdoc:
            out.extend(wrap(mdoc, f' * @{name}: ', ' *\t'))
    for para in long_doc:
        out.append(' *')
        out.extend(wrap(para, ' * ', ' * '))
    out.append(' */')
    return out


def render_enum(cname, entries, cnt_max=None, with_values=True):
    out = [f'enum {cname} {{' if cname else 'enum {']
    expect = 0
    for name, value, _ in entries:
        if value != expect and with_values:
            out.append(f'\t{name} = {value},')
        else:
            out.append(f'\t{name},')
        expect = value + 1
    if cnt_max:
        cnt, mx = cnt_max
        out.extend(['', f'\t{cnt},', f'\t{mx} = {cnt} - 1'])
    out.append('};')
    return out


def attr_type_doc(fam, a):
    kind = a['type']
    if 'enum' in a:
        enum = next(e for e in fam.enums if e['name'] == a['enum'])
        kind += f', enum {enum["cname"]}'
    return f'({kind}) {a.get("doc", "")}'.rstrip()


def generated_note():
    return ['Do not edit: generated by scripts/nlgen.py from',
            f'{SPEC}; change the spec and run "make nlgen".']


def render_uapi(fam):
    guard = '_UAPI_LINUX_' + c_upper(fam.name) + '_H'
    out = ['/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) '
           'OR MIT) */', '/*']
    out += [' * ' + line for line in generated_note()]
    for para in paragraphs(fam.doc):
        out.append(' *')
        out.extend(wrap(para, ' * ', ' * '))
    out += [' */', f'#ifndef {guard}', f'#define {guard}', '']
    rows = [(fam.family_cname, c_number(fam.name), None),
            (fam.version_cname, c_number(fam.spec.get('version', 1)), None)]
    rows += [(g['cname'], c_number(g['name']), None) for g in fam.mcgrps]
    out += render_defines(rows)

    pending = []

    def flush():
        if pending:
            out.append('')
            out.extend(render_defines(pending))
            pending.clear()

    for kind, d in fam.definitions:
        if kind == 'const':
            cname, value, doc = fam.consts[d]
            pending.append((cname, c_number(value), doc))
            continue
        flush()
        out.append('')
        out += kerneldoc_enum(d['cname'], d['doc'],
                              [(n, doc) for n, _, doc in d['entries']])
        out += render_enum(d['cname'], d['entries'], d.get('max'))
    flush()

    attrs = sorted(fam.attrs.values(), key=lambda a: a['value'])
    entries = []
    if attrs[0]['value'] == 1:
        entries.append((fam.attr_unspec, 0, None))
    entries += [(a['cname'], a['value'], None) for a in attrs]
    out.append('')
    out += kerneldoc_enum(fam.attr_enum, fam.aset.get('doc'),
                          [(a['cname'], attr_type_doc(fam, a))
                           for a in attrs])
    out += render_enum(fam.attr_enum, entries, (fam.attr_cnt, fam.attr_max))

    entries = []
    if fam.ops[0]['value'] == 1:
        entries.append((fam.cmd_unspec, 0, None))
    entries += [(op['cname'], op['value'], None) for op in fam.ops]
    out.append('')
    out += kerneldoc_enum(fam.cmd_enum, 'The commands of the family.',
                          [(op['cname'], op['doc']) for op in fam.ops])
    out += render_enum(fam.cmd_enum, entries, (fam.cmd_cnt, fam.cmd_max))
    out += ['', f'#endif /* {guard} */']
    return '\n'.join(out) + '\n'


def policy_entry(fam, a, ranges):
    nla = NLA_TYPES[a['type']]
    checks = a.get('checks', {})
    where = f'attribute {a["name"]}'
    if a['type'] == 'string':
        if 'max-len' in checks:
            length = fam.length(checks['max-len'])
            return f'{{ .type = {nla}, .len = {length} }}'
        return f'{{ .type = {nla} }}'
    if a['type'] not in INT_TYPES or not checks:
        return f'{{ .type = {nla} }}'
    if 'min' not in checks and a['type'][0] == 'u' and \
            fam.limit(checks['max'], where)[0] <= 0x7fff:
        return f'NLA_POLICY_MAX({nla}, {fam.limit(checks["max"], where)[1]})'
    ranges.add(a['name'])
    return f'NLA_POLICY_FULL_RANGE({nla}, &nl_{c_lower(a["name"])}_range)'


def render_range(fam, a):
    lo, hi = INT_TYPES[a['type']]
    where = f'attribute {a["name"]}'
    checks = a['checks']
    mn = fam.limit(checks['min'], where)[1] if 'min' in checks else str(lo)
    mx = fam.limit(checks['max'], where)[1] if 'max' in checks \
        else c_upper(f'{a["type"]}-max')
    kind = 'netlink_range_validation' + \
        ('_signed' if a['type'][0] == 's' else '')
    head = f'static MEMRESV_NL_RANGE_CONST struct {kind}'
    name = f'nl_{c_lower(a["name"])}_range = {{'
    if cwidth(f'{head} {name}') <= 100:
        decl = [f'{head} {name}']
    else:
        decl = [head, f'\t{name}']
    return decl + [f'\t.min = {mn},', f'\t.max = {mx},', '};', '']


def render_policies(fam):
    """Range tables, then one policy per distinct request."""
    policies = {}       # request tuple -> (name, [ops])
    for op in fam.ops:
        if 'do' not in op and 'dump' not in op:
            continue
        key = tuple(fam.request(op))
        if key not in policies:
            policies[key] = (f'{op["fn"]}_policy', [])
        policies[key][1].append(op)
        op['policy'] = policies[key][0]
    ranges = set()
    body = []
    for key, (name, ops) in policies.items():
        body += wrap(', '.join(op['cname'] for op in ops), '/* ', ' * ')
        body[-1] += ' */'
        body.append(f'static const struct nla_policy {name}'
                    f'[{fam.attr_max} + 1] = {{')
        for attr in key:
            a = fam.attrs[attr]
            entry = policy_entry(fam, a, ranges)
            line = f'\t[{a["cname"]}] = {entry},'
            # checkpatch wants an initialiser's brace on the line of its =.
            if cwidth(line) > 80 and not entry.startswith('{'):
                line = f'\t[{a["cname"]}] =\n\t\t{entry},'
            body.append(line)
        body += ['};', '']
    out = []
    for a in sorted(fam.attrs.values(), key=lambda a: a['value']):
        if a['name'] in ranges:
            out += render_range(fam, a)
    return out + body


def render_kernel(fam):
    guard = '_MEMRESV_NL_GEN_H'
    handlers = [op for op in fam.ops if 'do' in op]
    dumps = [op for op in fam.ops if 'dump' in op]
    out = ['/* SPDX-License-Identifier: GPL-2.0 */', '/*']
    out += [' * ' + line for line in generated_note()]
    out += [' *',
            ' * The family as the spec gives it: range tables, one policy '
            'per distinct',
            ' * request, the command table that nl_doit() dispatches on, '
            'the operations,',
            ' * the multicast groups and the family.  Included by netlink.c '
            'alone, which',
            ' * defines every function declared here: the tables and their '
            'handlers are',
            ' * one object, so the layers stay acyclic.',
            ' */',
            f'#ifndef {guard}', f'#define {guard}', '',
            '#include <linux/cache.h>',
            '#include <linux/kernel.h>',
            '#include <linux/limits.h>',
            '#include <linux/module.h>',
            '#include <net/genetlink.h>',
            '#include <net/netlink.h>', '',
            f'#include <linux/{fam.name}.h>', '',
            '#include "compat.h"',
            '#include "err.h"', '']
    out += ['enum nl_groups {']
    out += [f'\t{g["grp"]},' for g in fam.mcgrps]
    out += ['};', '',
            '/**',
            ' * struct nl_cmd - what the family does with a command',
            ' * @doit: the handler; a refusal says why in its struct '
            'memresv_err',
            ' * @change: admin-perm in the spec: needs CAP_SYS_ADMIN in the '
            'initial user',
            ' *\tnamespace',
            ' */',
            'struct nl_cmd {',
            '\tint (*doit)(struct genl_info *info, struct memresv_err *e);',
            '\tbool change;',
            '};', '',
            'static int nl_doit(struct sk_buff *skb, struct genl_info *info);']
    for op in handlers:
        out.append(f'static int {op["fn"]}(struct genl_info *info, '
                   'struct memresv_err *e);')
    for op in dumps:
        if 'pre' in op['dump']:
            out.append(f'static int {c_lower(op["dump"]["pre"])}'
                       '(struct netlink_callback *cb);')
        out.append(f'static int {op["fn"]}_dump(struct sk_buff *skb, '
                   'struct netlink_callback *cb);')
    out.append('')
    out += render_policies(fam)

    out.append('static const struct nl_cmd nl_cmds[] = {')
    for op in handlers:
        change = 'true' if 'admin-perm' in op.get('flags', []) else 'false'
        entry = f'{{ .doit = {op["fn"]}, .change = {change} }},'
        out.append(f'\t[{op["cname"]}] = {entry}')
    out += ['};', '', 'static const struct genl_ops nl_ops[] = {']
    for op in fam.ops:
        if 'do' not in op and 'dump' not in op:
            continue
        out += ['\t{', f'\t\t.cmd = {op["cname"]},']
        if 'do' in op:
            out.append('\t\t.doit = nl_doit,')
        if 'dump' in op:
            if 'pre' in op['dump']:
                out.append(f'\t\t.start = {c_lower(op["dump"]["pre"])},')
            out.append(f'\t\t.dumpit = {op["fn"]}_dump,')
        out += [f'\t\t.policy = {op["policy"]},',
                f'\t\t.maxattr = {fam.attr_max},', '\t},']
    out += ['};', '',
            'static const struct genl_multicast_group nl_mcgrps[] = {']
    for g in fam.mcgrps:
        out += [f'\t[{g["grp"]}] = {{', f'\t\t.name = {g["cname"]},']
        if g['admin']:
            out.append('\t\t.flags = GENL_MCAST_CAP_SYS_ADMIN,')
        out.append('\t},')
    out += ['};', '',
            'static struct genl_family nl_family __ro_after_init = {',
            f'\t.name = {fam.family_cname},',
            f'\t.version = {fam.version_cname},',
            f'\t.maxattr = {fam.attr_max},',
            '\t.module = THIS_MODULE,',
            '\t.ops = nl_ops,',
            '\t.n_ops = ARRAY_SIZE(nl_ops),',
            '\t.mcgrps = nl_mcgrps,',
            '\t.n_mcgrps = ARRAY_SIZE(nl_mcgrps),',
            '\t/* Handlers block in reclaim: never serialise other families '
            'on them. */',
            '\t.parallel_ops = true,',
            '};', '', f'#endif /* {guard} */']
    return '\n'.join(out) + '\n'


# --------------------------------------------------------------------------

def load(path):
    """The family in @path, checked; SpecError says what is wrong."""
    try:
        with open(path, encoding='utf-8') as f:
            spec = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        raise SpecError(str(e).replace('\n', ' '))
    errors = []
    check_schema(spec, TOP, 'spec',
                 isinstance(spec, dict) and
                 spec.get('protocol') == 'genetlink-c', errors)
    if errors:
        raise SpecError('; '.join(errors))
    return Family(spec)


def main():
    parser = argparse.ArgumentParser(
        description='Generate the netlink contract from ' + SPEC)
    parser.add_argument('--check', action='store_true',
                        help='fail when a generated file is out of date')
    parser.add_argument('--src', default=SRC, help='the source tree')
    args = parser.parse_args()

    try:
        fam = load(os.path.join(args.src, SPEC))
        outputs = {UAPI: render_uapi(fam), KERN: render_kernel(fam)}
    except SpecError as e:
        print(f'nlgen: {SPEC}: {e}', file=sys.stderr)
        return 1
    stale = []
    for name, text in outputs.items():
        path = os.path.join(args.src, name)
        try:
            with open(path, encoding='utf-8') as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current == text:
            continue
        if args.check:
            stale.append(name)
            continue
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
        print(f'nlgen: wrote {name}')
    if stale:
        print(f'nlgen: {", ".join(stale)} out of date with {SPEC}: '
              'run make nlgen', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
