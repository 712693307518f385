// Conformance cases written from the Sigma v2.1 rules specification and modifiers appendix.
// Each case is checked with the compiled matcher and the naive interpreter (they must agree).
import { detects, ev, refusal, ruleFromDetection } from './__fixtures__/helpers';
import type { CompileOptions, SigmaEvent } from './types';

type Case = [string, string, SigmaEvent, boolean, CompileOptions?];

function run(cases: Case[]): void {
  // rest parameter: jest treats a callback declaring more parameters than the row has as `done`-style
  test.each(cases)('%s', (...row: Case) => {
    const [, detection, event, expected, opts] = row;
    expect(detects(ruleFromDetection(detection), event, opts ?? {})).toBe(expected);
  });
}

const b64 = (s: string, enc: BufferEncoding = 'utf8'): string => Buffer.from(s, enc).toString('base64');

describe('maps, lists and plain values', () => {
  run([
    ['exact value is case-insensitive', "sel:\n    Image: 'C:\\Windows\\System32\\whoami.exe'\ncondition: sel", ev({ Image: 'c:\\windows\\system32\\WHOAMI.EXE' }), true],
    ['exact value does not match a longer value', "sel:\n    Image: 'whoami.exe'\ncondition: sel", ev({ Image: 'c:\\whoami.exe' }), false],
    ['list of values is OR (second)', 'sel:\n    EventID:\n        - 517\n        - 1102\ncondition: sel', ev({ EventID: 1102 }), true],
    ['list of values is OR (none)', 'sel:\n    EventID:\n        - 517\n        - 1102\ncondition: sel', ev({ EventID: 4688 }), false],
    ['map is AND (all present)', "sel:\n    EventLog: Security\n    EventID: 4769\ncondition: sel", ev({ EventLog: 'security', EventID: 4769 }), true],
    ['map is AND (one wrong)', "sel:\n    EventLog: Security\n    EventID: 4769\ncondition: sel", ev({ EventLog: 'System', EventID: 4769 }), false],
    ['list of maps is OR', "sel:\n    - Image|endswith: '\\example.exe'\n    - Description|contains: 'Test executable'\ncondition: sel", ev({ Description: 'a test EXECUTABLE here' }), true],
    ['list of maps is OR (neither)', "sel:\n    - Image|endswith: '\\example.exe'\n    - Description|contains: 'Test executable'\ncondition: sel", ev({ Image: 'c:\\other.exe', Description: 'x' }), false],
    ['number matches number', 'sel:\n    EventID: 4688\ncondition: sel', ev({ EventID: 4688 }), true],
    ['number matches decimal text', 'sel:\n    EventID: 4688\ncondition: sel', ev({ EventID: '4688' }), true],
    ['number does not match other text', 'sel:\n    EventID: 4688\ncondition: sel', ev({ EventID: '4688x' }), false],
    ['quoted number text matches a number field', "sel:\n    dst_port: '502'\ncondition: sel", ev({ dst_port: 502 }), true],
    ['boolean matches boolean', 'sel:\n    tls: true\ncondition: sel', ev({ tls: true }), true],
    ['boolean matches text true', 'sel:\n    tls: true\ncondition: sel', ev({ tls: 'True' }), true],
    ['boolean does not match the other boolean', 'sel:\n    tls: true\ncondition: sel', ev({ tls: false }), false],
    ['empty string matches empty', "sel:\n    User: ''\ncondition: sel", ev({ User: '' }), true],
    ['empty string does not match missing', "sel:\n    User: ''\ncondition: sel", ev({}), false],
    ['null matches missing field', 'sel:\n    PasswordLastSet: null\ncondition: sel', ev({ a: 1 }), true],
    ['null matches JSON null', 'sel:\n    PasswordLastSet: null\ncondition: sel', ev({ PasswordLastSet: null }), true],
    ['null does not match empty string', 'sel:\n    PasswordLastSet: null\ncondition: sel', ev({ PasswordLastSet: '' }), false],
    ['not null via negated selection', 'sel:\n    EventID: 4738\nfilter:\n    PasswordLastSet: null\ncondition: sel and not filter', ev({ EventID: 4738, PasswordLastSet: 'x' }), true],
    ['array field: any element matches', "sel:\n    answers: '10.0.0.1'\ncondition: sel", ev({ answers: ['1.1.1.1', '10.0.0.1'] }), true],
    ['array field: no element matches', "sel:\n    answers: '10.0.0.1'\ncondition: sel", ev({ answers: ['1.1.1.1'] }), false],
    ['object value does not match text', "sel:\n    alert: 'x'\ncondition: sel", ev({ alert: { x: 1 } }), false],
  ]);
});

describe('wildcards and escaping', () => {
  run([
    ['? is exactly one character', "sel:\n    Image: 'prog?.exe'\ncondition: sel", ev({ Image: 'progA.exe' }), true],
    ['? is not two characters', "sel:\n    Image: 'prog?.exe'\ncondition: sel", ev({ Image: 'progAB.exe' }), false],
    ['? is not zero characters', "sel:\n    Image: 'prog?.exe'\ncondition: sel", ev({ Image: 'prog.exe' }), false],
    ['* is any length', "sel:\n    Image: 'antivirus_V*.exe'\ncondition: sel", ev({ Image: 'antivirus_V21.2.1.exe' }), true],
    ['* in the middle, wrong end', "sel:\n    Image: 'antivirus_V*.exe'\ncondition: sel", ev({ Image: 'antivirus_V21.dll' }), false],
    ['\\* is a literal star', "sel:\n    Query: 'a\\*b'\ncondition: sel", ev({ Query: 'a*b' }), true],
    ['\\* does not act as wildcard', "sel:\n    Query: 'a\\*b'\ncondition: sel", ev({ Query: 'axxb' }), false],
    ['\\? is a literal question mark', "sel:\n    Query: 'a\\?b'\ncondition: sel", ev({ Query: 'a?b' }), true],
    ['\\? does not act as wildcard', "sel:\n    Query: 'a\\?b'\ncondition: sel", ev({ Query: 'axb' }), false],
    ['\\\\* is a backslash then a wildcard', "sel:\n    Path: 'C:\\\\*'\ncondition: sel", ev({ Path: 'C:\\Windows' }), true],
    ['\\\\\\* is a backslash then a literal star', "sel:\n    Path: 'C:\\\\\\*'\ncondition: sel", ev({ Path: 'C:\\*' }), true],
    ['\\\\\\* does not wildcard', "sel:\n    Path: 'C:\\\\\\*'\ncondition: sel", ev({ Path: 'C:\\Windows' }), false],
    ['\\\\\\\\ is a double backslash', "sel:\n    Path: 'a\\\\\\\\b'\ncondition: sel", ev({ Path: 'a\\\\b' }), true],
    ['single backslash before a letter is literal', "sel:\n    Path: 'C:\\Windows'\ncondition: sel", ev({ Path: 'c:\\windows' }), true],
    ['regex metacharacters are literal in plain values', "sel:\n    Query: 'a.b(c)'\ncondition: sel", ev({ Query: 'aXb(c)' }), false],
    ['star alone matches any present value', "sel:\n    query: '*'\ncondition: sel", ev({ query: '' }), true],
    ['star alone does not match a missing field', "sel:\n    query: '*'\ncondition: sel", ev({}), false],
  ]);
});

describe('generic modifiers', () => {
  run([
    ['contains', "sel:\n    CommandLine|contains: 'mimikatz'\ncondition: sel", ev({ CommandLine: 'run MimiKatz.exe now' }), true],
    ['contains (absent)', "sel:\n    CommandLine|contains: 'mimikatz'\ncondition: sel", ev({ CommandLine: 'run calc' }), false],
    ['startswith', "sel:\n    User|startswith: 'adm_'\ncondition: sel", ev({ User: 'ADM_bob' }), true],
    ['startswith (suffix only)', "sel:\n    User|startswith: 'adm_'\ncondition: sel", ev({ User: 'bob_adm_' }), false],
    ['endswith', "sel:\n    Image|endswith: '\\cmd.exe'\ncondition: sel", ev({ Image: 'C:\\Windows\\CMD.exe' }), true],
    ['endswith (prefix only)', "sel:\n    Image|endswith: '\\cmd.exe'\ncondition: sel", ev({ Image: '\\cmd.exe.bak' }), false],
    ['contains keeps inner wildcards', "sel:\n    CommandLine|contains: 'a*z'\ncondition: sel", ev({ CommandLine: '--a-to-z--' }), true],
    ['contains|all needs every value', "sel:\n    CommandLine|contains|all:\n        - ' -enc '\n        - 'hidden'\ncondition: sel", ev({ CommandLine: 'ps -enc AAA -w hidden' }), true],
    ['contains|all fails on one missing', "sel:\n    CommandLine|contains|all:\n        - ' -enc '\n        - 'hidden'\ncondition: sel", ev({ CommandLine: 'ps -enc AAA' }), false],
    ['cased matches exact case', "sel:\n    Name|cased: 'ABC'\ncondition: sel", ev({ Name: 'ABC' }), true],
    ['cased refuses other case', "sel:\n    Name|cased: 'ABC'\ncondition: sel", ev({ Name: 'abc' }), false],
    ['cased|contains', "sel:\n    Name|cased|contains: 'Evil'\ncondition: sel", ev({ Name: 'xevilx' }), false],
    ['exists true', 'sel:\n    PasswordLastSet|exists: true\ncondition: sel', ev({ PasswordLastSet: 'x' }), true],
    ['exists true counts a null value as present', 'sel:\n    PasswordLastSet|exists: true\ncondition: sel', ev({ PasswordLastSet: null }), true],
    ['exists true on missing', 'sel:\n    PasswordLastSet|exists: true\ncondition: sel', ev({}), false],
    ['exists false on missing', 'sel:\n    PasswordLastSet|exists: false\ncondition: sel', ev({}), true],
    ['exists false on present', 'sel:\n    PasswordLastSet|exists: false\ncondition: sel', ev({ PasswordLastSet: '' }), false],
    ['neq differs', "sel:\n    proto|neq: 'tcp'\ncondition: sel", ev({ proto: 'udp' }), true],
    ['neq equal', "sel:\n    proto|neq: 'tcp'\ncondition: sel", ev({ proto: 'TCP' }), false],
    ['neq list: different from every value', "sel:\n    proto|neq:\n        - tcp\n        - udp\ncondition: sel", ev({ proto: 'icmp' }), true],
    ['neq list: equal to one', "sel:\n    proto|neq:\n        - tcp\n        - udp\ncondition: sel", ev({ proto: 'udp' }), false],
    ['neq: a missing field is different (NOT field = value)', "sel:\n    proto|neq: 'tcp'\ncondition: sel", ev({}), true],
    ['neq: a null field is different', "sel:\n    proto|neq: 'tcp'\ncondition: sel", ev({ proto: null }), true],
    ['neq with another field keeps the map AND', "sel:\n    proto|neq: 'tcp'\n    port: 53\ncondition: sel", ev({ port: 53 }), true],
    ['neq on an array: no element may equal', "sel:\n    proto|neq: 'tcp'\ncondition: sel", ev({ proto: ['udp', 'tcp'] }), false],
    ['neq on a number', 'sel:\n    port|neq: 502\ncondition: sel', ev({ port: 503 }), true],
    ['fieldref equal (case-insensitive)', 'sel:\n    SubjectUserName|fieldref: TargetUserName\ncondition: sel', ev({ SubjectUserName: 'Bob', TargetUserName: 'bob' }), true],
    ['fieldref different', 'sel:\n    SubjectUserName|fieldref: TargetUserName\ncondition: sel', ev({ SubjectUserName: 'bob', TargetUserName: 'alice' }), false],
    ['fieldref with missing other field', 'sel:\n    SubjectUserName|fieldref: TargetUserName\ncondition: sel', ev({ SubjectUserName: 'bob' }), false],
    ['fieldref|cased', 'sel:\n    a|fieldref|cased: b\ncondition: sel', ev({ a: 'Bob', b: 'bob' }), false],
    ['fieldref|neq', 'sel:\n    a|fieldref|neq: b\ncondition: sel', ev({ a: 'x', b: 'y' }), true],
    ['fieldref|neq equal', 'sel:\n    a|fieldref|neq: b\ncondition: sel', ev({ a: 'x', b: 'x' }), false],
    ['fieldref|neq with the other field missing', 'sel:\n    a|fieldref|neq: b\ncondition: sel', ev({ a: 'x' }), true],
    ['fieldref compares numbers as text', 'sel:\n    src_port|fieldref: dst_port\ncondition: sel', ev({ src_port: 53, dst_port: '53' }), true],
  ]);
});

describe('string modifiers: windash, re', () => {
  run([
    ['windash: slash for dash', "sel:\n    CommandLine|windash|contains: ' -enc '\ncondition: sel", ev({ CommandLine: 'powershell /enc AAA' }), true],
    ['windash: en dash', "sel:\n    CommandLine|windash|contains: ' -enc '\ncondition: sel", ev({ CommandLine: 'powershell \u2013enc AAA' }), true],
    ['windash: em dash', "sel:\n    CommandLine|windash|contains: ' -enc '\ncondition: sel", ev({ CommandLine: 'powershell \u2014enc AAA' }), true],
    ['windash: horizontal bar', "sel:\n    CommandLine|windash|contains: ' -enc '\ncondition: sel", ev({ CommandLine: 'powershell \u2015enc AAA' }), true],
    ['windash: plain dash still matches', "sel:\n    CommandLine|windash|contains: ' -enc '\ncondition: sel", ev({ CommandLine: 'powershell -enc AAA' }), true],
    ['windash: other characters do not', "sel:\n    CommandLine|windash|contains: ' -enc '\ncondition: sel", ev({ CommandLine: 'powershell +enc AAA' }), false],
    ['windash: slash in the rule permutes too', "sel:\n    CommandLine|windash|contains: ' /quiet'\ncondition: sel", ev({ CommandLine: 'msiexec -quiet' }), true],
    ['re is unanchored search', "sel:\n    q|re: 'ab+c'\ncondition: sel", ev({ q: 'xxabbbcxx' }), true],
    ['re is case-sensitive by default', "sel:\n    q|re: 'abc'\ncondition: sel", ev({ q: 'ABC' }), false],
    ['re|i is case-insensitive', "sel:\n    q|re|i: 'abc'\ncondition: sel", ev({ q: 'ABC' }), true],
    ['re anchors', "sel:\n    q|re: '^abc$'\ncondition: sel", ev({ q: 'abcd' }), false],
    ['re without m: ^ only at start', "sel:\n    q|re: '^b'\ncondition: sel", ev({ q: 'a\nb' }), false],
    ['re|m: ^ at each line', "sel:\n    q|re|m: '^b'\ncondition: sel", ev({ q: 'a\nb' }), true],
    ['re without s: dot excludes newline', "sel:\n    q|re: 'a.b'\ncondition: sel", ev({ q: 'a\nb' }), false],
    ['re|s: dot matches newline', "sel:\n    q|re|s: 'a.b'\ncondition: sel", ev({ q: 'a\nb' }), true],
    ['re leading (?i) becomes a flag', "sel:\n    q|re: '(?i)abc'\ncondition: sel", ev({ q: 'xABCx' }), true],
    ['re classes and alternation', "sel:\n    q|re: '^(get|post) /[a-z]{2,4}$'\ncondition: sel", ev({ q: 'post /abc' }), true],
    ['re on a number field uses its text', "sel:\n    port|re: '^50[0-9]$'\ncondition: sel", ev({ port: 502 }), true],
  ]);
});

describe('encoding modifiers', () => {
  run([
    ['base64 encodes the value', "sel:\n    Data|base64: 'cmd'\ncondition: sel", ev({ Data: b64('cmd') }), true],
    ['base64 does not match the plain value', "sel:\n    Data|base64: 'cmd'\ncondition: sel", ev({ Data: 'cmd' }), false],
    ['base64|contains', "sel:\n    Data|base64|contains: 'http://'\ncondition: sel", ev({ Data: 'x ' + b64('http://') + ' y' }), true],
    ['base64offset|contains, shift 0', "sel:\n    Data|base64offset|contains: 'http://'\ncondition: sel", ev({ Data: b64('http://evil.example/x') }), true],
    ['base64offset|contains, shift 1', "sel:\n    Data|base64offset|contains: 'http://'\ncondition: sel", ev({ Data: b64('Xhttp://evil.example/x') }), true],
    ['base64offset|contains, shift 2', "sel:\n    Data|base64offset|contains: 'http://'\ncondition: sel", ev({ Data: b64('XYhttp://evil.example/x') }), true],
    ['base64offset|contains, value at the end', "sel:\n    Data|base64offset|contains: 'http://'\ncondition: sel", ev({ Data: b64('XYZWhttp://') }), true],
    ['base64offset|contains, absent', "sel:\n    Data|base64offset|contains: 'http://'\ncondition: sel", ev({ Data: b64('XYhttps://evil.example/x') }), false],
    ['utf16le', "sel:\n    Data|utf16le: 'cmd'\ncondition: sel", ev({ Data: 'c\u0000m\u0000d\u0000' }), true],
    ['wide is utf16le', "sel:\n    Data|wide: 'cmd'\ncondition: sel", ev({ Data: 'c\u0000m\u0000d\u0000' }), true],
    ['utf16be', "sel:\n    Data|utf16be: 'cmd'\ncondition: sel", ev({ Data: '\u0000c\u0000m\u0000d' }), true],
    ['utf16le is not utf16be', "sel:\n    Data|utf16le: 'cmd'\ncondition: sel", ev({ Data: '\u0000c\u0000m\u0000d' }), false],
    ['utf16 prepends a BOM', "sel:\n    Data|utf16: 'cmd'\ncondition: sel", ev({ Data: '\u00ff\u00fec\u0000m\u0000d\u0000' }), true],
    ['wide|base64offset|contains finds PowerShell -enc text', "sel:\n    CommandLine|wide|base64offset|contains: 'Invoke-'\ncondition: sel", ev({ CommandLine: 'powershell -enc ' + b64('$x = Invoke-Expression', 'utf16le') }), true],
    ['wide|base64offset|contains, other text', "sel:\n    CommandLine|wide|base64offset|contains: 'Invoke-'\ncondition: sel", ev({ CommandLine: 'powershell -enc ' + b64('$x = Get-Item', 'utf16le') }), false],
    ['utf16le|base64 of a whole value', "sel:\n    Data|utf16le|base64: 'ab'\ncondition: sel", ev({ Data: b64('ab', 'utf16le') }), true],
  ]);
});

describe('numeric, time and IP modifiers', () => {
  run([
    ['lt true', 'sel:\n    bytes|lt: 100\ncondition: sel', ev({ bytes: 99 }), true],
    ['lt boundary', 'sel:\n    bytes|lt: 100\ncondition: sel', ev({ bytes: 100 }), false],
    ['lte boundary', 'sel:\n    bytes|lte: 100\ncondition: sel', ev({ bytes: 100 }), true],
    ['gt true on numeric text', 'sel:\n    bytes|gt: 100\ncondition: sel', ev({ bytes: '1000' }), true],
    ['gt false', 'sel:\n    bytes|gt: 100\ncondition: sel', ev({ bytes: 5 }), false],
    ['gte boundary', 'sel:\n    bytes|gte: 100\ncondition: sel', ev({ bytes: 100 }), true],
    ['gt on non-numeric text', 'sel:\n    bytes|gt: 100\ncondition: sel', ev({ bytes: 'lots' }), false],
    ['gt with decimals', 'sel:\n    score|gt: 0.5\ncondition: sel', ev({ score: 0.75 }), true],
    ['hour of an ISO timestamp', 'sel:\n    ts|hour: 13\ncondition: sel', ev({ ts: '2024-03-01T13:05:00Z' }), true],
    ['hour mismatch', 'sel:\n    ts|hour: 14\ncondition: sel', ev({ ts: '2024-03-01T13:05:00Z' }), false],
    ['hour|gte', 'sel:\n    ts|hour|gte: 22\ncondition: sel', ev({ ts: '2024-03-01 23:59:00' }), true],
    ['minute', 'sel:\n    ts|minute: 5\ncondition: sel', ev({ ts: '2024-03-01T13:05:00Z' }), true],
    ['day', 'sel:\n    ts|day: 1\ncondition: sel', ev({ ts: '2024-03-01T13:05:00Z' }), true],
    ['month', 'sel:\n    ts|month: 3\ncondition: sel', ev({ ts: '2024-03-01T13:05:00Z' }), true],
    ['year of epoch seconds', 'sel:\n    ts|year: 2018\ncondition: sel', ev({ ts: 1521900000.5 }), true],
    ['ISO week', 'sel:\n    ts|week: 1\ncondition: sel', ev({ ts: '2024-01-03' }), true],
    ['ISO week of 2021-01-01 is 53', 'sel:\n    ts|week: 53\ncondition: sel', ev({ ts: '2021-01-01' }), true],
    ['cidr IPv4 inside', "sel:\n    dst_ip|cidr: '10.0.0.0/8'\ncondition: sel", ev({ dst_ip: '10.200.3.4' }), true],
    ['cidr IPv4 outside', "sel:\n    dst_ip|cidr: '10.0.0.0/8'\ncondition: sel", ev({ dst_ip: '11.0.0.1' }), false],
    ['cidr IPv4 /32', "sel:\n    dst_ip|cidr: '192.168.1.7/32'\ncondition: sel", ev({ dst_ip: '192.168.1.7' }), true],
    ['cidr list is OR', "sel:\n    dst_ip|cidr:\n        - '10.0.0.0/8'\n        - '172.16.0.0/12'\ncondition: sel", ev({ dst_ip: '172.31.255.255' }), true],
    ['cidr /12 edge', "sel:\n    dst_ip|cidr: '172.16.0.0/12'\ncondition: sel", ev({ dst_ip: '172.32.0.0' }), false],
    ['cidr IPv6 inside', "sel:\n    dst_ip|cidr: 'fe80::/10'\ncondition: sel", ev({ dst_ip: 'FE80::1:2' }), true],
    ['cidr IPv6 outside', "sel:\n    dst_ip|cidr: 'fe80::/10'\ncondition: sel", ev({ dst_ip: 'fec0::1' }), false],
    ['cidr IPv6 /64', "sel:\n    dst_ip|cidr: '2001:db8:1:2::/64'\ncondition: sel", ev({ dst_ip: '2001:db8:1:2:ffff::9' }), true],
    ['cidr IPv4 rule, IPv6 event', "sel:\n    dst_ip|cidr: '10.0.0.0/8'\ncondition: sel", ev({ dst_ip: '2001:db8::1' }), false],
    ['cidr IPv4 rule, IPv4-mapped IPv6 event', "sel:\n    dst_ip|cidr: '10.0.0.0/8'\ncondition: sel", ev({ dst_ip: '::ffff:10.1.2.3' }), true],
    ['cidr on a non-IP value', "sel:\n    dst_ip|cidr: '10.0.0.0/8'\ncondition: sel", ev({ dst_ip: 'ten' }), false],
    ['cidr|neq', "sel:\n    dst_ip|cidr|neq: '10.0.0.0/8'\ncondition: sel", ev({ dst_ip: '8.8.8.8' }), true],
  ]);
});

describe('expand (placeholders)', () => {
  const tenant = { placeholders: { Servers: ['srv*', 'dc01'], Admins: ['adm_bob'] } };
  run([
    ['placeholder values are OR-ed', "sel:\n    Host|expand: '%Servers%'\ncondition: sel", ev({ Host: 'DC01' }), true, tenant],
    ['placeholder value wildcards apply', "sel:\n    Host|expand: '%Servers%'\ncondition: sel", ev({ Host: 'srv-db-7' }), true, tenant],
    ['placeholder: no value matches', "sel:\n    Host|expand: '%Servers%'\ncondition: sel", ev({ Host: 'ws-12' }), false, tenant],
    ['placeholder after an escaped backslash', "sel:\n    User|expand: 'CORP\\\\%Admins%'\ncondition: sel", ev({ User: 'corp\\adm_bob' }), true, tenant],
    ['backslash-percent is a literal percent with expand', "sel:\n    User|expand: 'CORP\\%Admins%'\ncondition: sel", ev({ User: 'corp%admins%' }), true, tenant],
    ['escaped percent stays literal', "sel:\n    User|expand: '\\%plain%Admins%'\ncondition: sel", ev({ User: '%plainadm_bob' }), true, tenant],
    ['without expand %name% is literal', "sel:\n    Host: '%Servers%'\ncondition: sel", ev({ Host: '%servers%' }), true, tenant],
    ['contains|expand', "sel:\n    Host|contains|expand: '%Admins%'\ncondition: sel", ev({ Host: 'x-adm_bob-y' }), true, tenant],
    ['cidr|expand: networks from the tenant', "sel:\n    src_ip|cidr|expand: '%Nets%'\ncondition: sel", ev({ src_ip: '192.168.7.7' }), true, { placeholders: { Nets: ['10.0.0.0/8', '192.168.0.0/16'] } }],
    ['cidr|expand: outside every network', "sel:\n    src_ip|cidr|expand: '%Nets%'\ncondition: sel", ev({ src_ip: '8.8.8.8' }), false, { placeholders: { Nets: ['10.0.0.0/8', '192.168.0.0/16'] } }],
  ]);
  test('a cidr placeholder value that is not a network is refused', () => {
    expect(refusal(ruleFromDetection("sel:\n    src_ip|cidr|expand: '%Nets%'\ncondition: sel"), { placeholders: { Nets: ['corp-lan'] } })).toMatch(/invalid CIDR 'corp-lan'/);
  });
  test('a missing placeholder is refused with its name', () => {
    expect(refusal(ruleFromDetection("sel:\n    Host|expand: '%Servers%'\ncondition: sel"), {})).toMatch(/placeholder %Servers%/);
  });
});

describe('keywords', () => {
  run([
    ['keyword found inside a value', "keywords:\n    - 'event::clear'\n    - 'event::drop'\ncondition: keywords", ev({ msg: 'mimikatz # EVENT::drop done' }), true],
    ['keyword found in a nested value', "keywords:\n    - 'evil.example'\ncondition: keywords", ev({ dns: { answers: [{ rrname: 'www.evil.example' }] } }), true],
    ['keyword found in a number value', "keywords:\n    - 31337\ncondition: keywords", ev({ port: 31337 }), true],
    ['keyword absent', "keywords:\n    - 'event::clear'\ncondition: keywords", ev({ msg: 'nothing' }), false],
    ['keywords do not search keys', "keywords:\n    - 'secret'\ncondition: keywords", ev({ secret: 'x' }), false],
    ['keywords do not search normalized fields', "keywords:\n    - 'modbus'\ncondition: keywords", ev({ a: 'x' }, { app_protocol: 'modbus' }), false],
    ["'|all' keywords need every value", "keywords:\n    '|all':\n        - ':179'\n        - 'BADAUTH'\ncondition: keywords", ev({ message: 'peer 10.0.0.1:179 IP-TCP-3-BADAUTH' }), true],
    ["'|all' keywords may be in different values", "keywords:\n    '|all':\n        - ':179'\n        - 'BADAUTH'\ncondition: keywords", ev({ a: '10.0.0.1:179', b: 'BADAUTH' }), true],
    ["'|all' keywords with one missing", "keywords:\n    '|all':\n        - ':179'\n        - 'BADAUTH'\ncondition: keywords", ev({ message: 'peer 10.0.0.1:179' }), false],
    ['keyword wildcards', "keywords:\n    - 'user * logged'\ncondition: keywords", ev({ message: 'user bob logged in' }), true],
    ['keyword cased', "keywords:\n    '|cased':\n        - 'ABC'\ncondition: keywords", ev({ message: 'xabcx' }), false],
    ['keyword re', "keywords:\n    '|re':\n        - 'port [0-9]+ open'\ncondition: keywords", ev({ message: 'port 22 open' }), true],
    ['mixed list: keyword or map', "sel:\n    - 'needle'\n    - proto: udp\ncondition: sel", ev({ proto: 'udp' }), true],
  ]);
});

describe('field lookup', () => {
  run([
    ['literal dotted key (Zeek)', "sel:\n    id.orig_h: '10.0.0.1'\ncondition: sel", ev({ 'id.orig_h': '10.0.0.1' }), true],
    ['dotted path into nested JSON (Suricata)', 'sel:\n    alert.signature_id: 2019401\ncondition: sel', ev({ alert: { signature_id: 2019401 } }), true],
    ['dotted path through an array', "sel:\n    dns.answers.rdata: '1.2.3.4'\ncondition: sel", ev({ dns: { answers: [{ rdata: '9.9.9.9' }, { rdata: '1.2.3.4' }] } }), true],
    ['dotted path through an array, no element', "sel:\n    dns.answers.rdata: '1.2.3.4'\ncondition: sel", ev({ dns: { answers: [{ rdata: '9.9.9.9' }] } }), false],
    ['three-level path', "sel:\n    a.b.c: 'x'\ncondition: sel", ev({ a: { b: { c: 'x' } } }), true],
    ['literal key wins over the nested path', "sel:\n    a.b: 'literal'\ncondition: sel", ev({ 'a.b': 'literal', a: { b: 'nested' } }), true],
    ['normalized fallback', "sel:\n    src_ip|cidr: '10.0.0.0/8'\ncondition: sel", ev({ foo: 1 }, { src_ip: '10.1.1.1' }), true],
    ['raw wins over normalized', "sel:\n    signature: 'raw'\ncondition: sel", ev({ signature: 'raw' }, { signature: 'norm' }), true],
    ['normalized list field (attack_ids)', "sel:\n    attack_ids: 'T0855'\ncondition: sel", ev({}, { attack_ids: ['T0831', 'T0855'] }), true],
    ['prototype names are not fields', 'sel:\n    constructor|exists: true\ncondition: sel', ev({}), false],
    ['prototype names are not path steps', 'sel:\n    a.toString|exists: true\ncondition: sel', ev({ a: {} }), false],
  ]);
});

describe('conditions', () => {
  const base = 'a:\n    x: 1\nb:\n    y: 1\nc:\n    z: 1\n';
  const abc = (x: number, y: number, z: number): SigmaEvent => ev({ x, y, z });
  run([
    ['and', `${base}condition: a and b`, abc(1, 1, 0), true],
    ['and (one false)', `${base}condition: a and b`, abc(1, 0, 0), false],
    ['or', `${base}condition: a or b`, abc(0, 1, 0), true],
    ['not', `${base}condition: not a`, abc(0, 0, 0), true],
    ['and binds tighter than or (a or (b and c))', `${base}condition: a or b and c`, abc(1, 0, 0), true],
    ['and binds tighter than or (false case)', `${base}condition: a or b and c`, abc(0, 1, 0), false],
    ['not binds tighter than and ((not a) and b)', `${base}condition: not a and b`, abc(0, 1, 0), true],
    ['not binds tighter than and (false case)', `${base}condition: not a and b`, abc(1, 1, 0), false],
    ['parentheses override', `${base}condition: (a or b) and c`, abc(1, 0, 0), false],
    ['parentheses override (true case)', `${base}condition: (a or b) and c`, abc(0, 1, 1), true],
    ['not over parentheses', `${base}condition: not (a or b)`, abc(0, 0, 1), true],
    ['double not', `${base}condition: not not a`, abc(1, 0, 0), true],
    ['operators are case-insensitive', `${base}condition: a AND NOT b`, abc(1, 0, 0), true],
    ['1 of pattern', 'sel_a:\n    x: 1\nsel_b:\n    y: 1\nother:\n    z: 1\ncondition: 1 of sel_*', abc(0, 1, 0), true],
    ['1 of pattern ignores non-matching names', 'sel_a:\n    x: 1\nsel_b:\n    y: 1\nother:\n    z: 1\ncondition: 1 of sel_*', abc(0, 0, 1), false],
    ['all of pattern', 'sel_a:\n    x: 1\nsel_b:\n    y: 1\nother:\n    z: 1\ncondition: all of sel_*', abc(1, 1, 0), true],
    ['all of pattern (one false)', 'sel_a:\n    x: 1\nsel_b:\n    y: 1\nother:\n    z: 1\ncondition: all of sel_*', abc(1, 0, 1), false],
    ['pattern wildcard in the middle', 'sel_a_x:\n    x: 1\nsel_b_x:\n    y: 1\ncondition: all of sel_*_x', abc(1, 1, 0), true],
    ['1 of them', `${base}condition: 1 of them`, abc(0, 0, 1), true],
    ['all of them', `${base}condition: all of them`, abc(1, 1, 0), false],
    ['them excludes _identifiers', 'a:\n    x: 1\n_helper:\n    y: 1\ncondition: all of them', abc(1, 0, 0), true],
    ['them excludes _identifiers (1 of)', 'a:\n    x: 1\n_helper:\n    y: 1\ncondition: 1 of them', abc(0, 1, 0), false],
    ['x of binds tighter than not', 'sel_a:\n    x: 1\nsel_b:\n    y: 1\ncondition: not 1 of sel_*', abc(0, 0, 0), true],
    ['mixed SigmaHQ form', 'selection:\n    x: 1\nfilter_main_a:\n    y: 1\nfilter_optional_b:\n    z: 1\ncondition: selection and not 1 of filter_main_* and not 1 of filter_optional_*', abc(1, 0, 0), true],
    ['mixed SigmaHQ form, filtered', 'selection:\n    x: 1\nfilter_main_a:\n    y: 1\nfilter_optional_b:\n    z: 1\ncondition: selection and not 1 of filter_main_* and not 1 of filter_optional_*', abc(1, 0, 1), false],
    ['condition list is OR', `${base}condition:\n    - a and b\n    - c`, abc(0, 0, 1), true],
    ['multi-line condition', `${base}condition: |\n    a\n    and (b or c)`, abc(1, 0, 1), true],
  ]);
});

describe('refusals (never silently matched differently)', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown modifier', "sel:\n    a|startswithx: 'x'\ncondition: sel", /unknown modifier 'startswithx'/],
    ['re sub-modifier without re', "sel:\n    a|i: 'x'\ncondition: sel", /only valid after 're'/],
    ['re with contains', "sel:\n    a|re|contains: 'x'\ncondition: sel", /'re' cannot be combined/],
    ['cidr with contains', "sel:\n    a|cidr|contains: '10.0.0.0/8'\ncondition: sel", /'cidr' cannot be combined/],
    ['invalid cidr', "sel:\n    a|cidr: '10.0.0.0/33'\ncondition: sel", /invalid CIDR/],
    ['lt on text', "sel:\n    a|lt: 'abc'\ncondition: sel", /needs a number/],
    ['two comparisons', 'sel:\n    a|lt|gt: 1\ncondition: sel', /only one of lt\/lte\/gt\/gte/],
    ['exists with a string', "sel:\n    a|exists: 'yes'\ncondition: sel", /single boolean/],
    ['all on a single value', "sel:\n    a|contains|all: 'x'\ncondition: sel", /'all' on a single value/],
    ['null inside a value list', "sel:\n    a:\n        - ''\n        - null\ncondition: sel", /null cannot be part of a value list/],
    ['wildcard before base64', "sel:\n    a|contains|base64: 'x'\ncondition: sel", /cannot encode a value containing wildcards/],
    ['nested map value', 'sel:\n    a:\n        b: 1\ncondition: sel', /nested map/],
    ['empty value list', 'sel:\n    a: []\ncondition: sel', /empty value list/],
    ['unknown identifier', 'sel:\n    a: 1\ncondition: sel and other', /unknown search identifier 'other'/],
    ['pattern matching nothing', 'sel:\n    a: 1\ncondition: 1 of filter_*', /matches no search identifier/],
    ['any of (not in v2.1)', 'sel:\n    a: 1\ncondition: any of sel*', /'any of'/],
    ['2 of', 'sel:\n    a: 1\ncondition: 2 of sel*', /unsupported quantifier/],
    ['unbalanced parentheses', 'sel:\n    a: 1\ncondition: (sel', /expected '\)'/],
    ['dangling operator', 'sel:\n    a: 1\ncondition: sel and', /unexpected end of condition/],
    ['bare wildcard identifier', 'sel:\n    a: 1\ncondition: sel*', /needs '1 of' or 'all of'/],
    ['legacy count aggregation', 'sel:\n    a: 1\ncondition: sel | count() by src_ip > 10', /legacy aggregation syntax/],
    ['legacy near', 'sel:\n    a: 1\nother:\n    b: 1\ncondition: sel | near other', /legacy aggregation syntax/],
    ['legacy timeframe', 'sel:\n    a: 1\ntimeframe: 10m\ncondition: sel', /legacy aggregation syntax/],
    ['missing condition', 'sel:\n    a: 1', /no condition/],
    ['empty selection', 'sel: {}\ncondition: sel', /empty map/],
    ['invalid regex', "sel:\n    a|re: '(unclosed'\ncondition: sel", /regular expression/],
    ['PCRE-only escape', "sel:\n    a|re: '\\Aabc\\Z'\ncondition: sel", /escape '\\A' has no JavaScript equivalent/],
    ['inline flag group in the middle', "sel:\n    a|re: 'a(?i)b'\ncondition: sel", /inline flags/],
    ['unknown character in condition', 'sel:\n    a: 1\ncondition: sel & sel', /unexpected character '&'/],
    ['modifier on keywords that needs a field', "keywords:\n    '|cidr':\n        - '10.0.0.0/8'\n        - '11.0.0.0/8'\ncondition: keywords", /cannot be used on keywords/],
  ];
  test.each(cases)('%s', (_n, detection, reason) => {
    expect(refusal(ruleFromDetection(detection))).toMatch(reason);
  });
});
