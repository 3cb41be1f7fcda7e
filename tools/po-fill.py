#!/usr/bin/env python3
"""Fill msgstr entries of a .po file from a Python dict file {msgid: msgstr}.

usage: po-fill.py LANG.po TRANSLATIONS.py
Only empty msgstr entries are filled; existing translations are left as they are.
Prints the msgids still untranslated afterwards. A developer tool, not part of the build.
"""
import ast
import sys


def unquote(s):
    return ast.literal_eval(s)


def quote(s):
    out = s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n').replace('\t', '\\t')
    return '"' + out + '"'


def parse(lines):
    entries, cur, key = [], {}, None
    for line in lines:
        s = line.rstrip('\n')
        if s.startswith('msgid '):
            if 'msgid' in cur:
                entries.append(cur)
                cur = {k: v for k, v in cur.items() if False}
            cur.setdefault('pre', [])
            key = 'msgid'
            cur[key] = unquote(s[6:])
        elif s.startswith('msgid_plural ') or s.startswith('msgstr['):
            raise SystemExit('plural forms are not handled')
        elif s.startswith('msgstr '):
            key = 'msgstr'
            cur[key] = unquote(s[7:])
        elif s.startswith('"') and key:
            cur[key] += unquote(s)
        else:
            if 'msgstr' in cur:
                entries.append(cur)
                cur = {}
            cur.setdefault('pre', []).append(s)
            key = None
    if cur:
        entries.append(cur)
    return entries


def main():
    po, tr = sys.argv[1], sys.argv[2]
    table = ast.literal_eval(open(tr, encoding='utf-8').read())
    entries = parse(open(po, encoding='utf-8').readlines())
    out, missing = [], []
    for e in entries:
        out.extend(e.get('pre', []))
        if 'msgid' not in e:
            continue
        mid, mstr = e['msgid'], e.get('msgstr', '')
        if mid and not mstr:
            mstr = table.get(mid, '')
            if not mstr:
                missing.append(mid)
        out.append('msgid ' + quote(mid))
        out.append('msgstr ' + quote(mstr))
    open(po, 'w', encoding='utf-8').write('\n'.join(out) + '\n')
    for m in missing:
        print('untranslated:', repr(m))


main()
