{
"Steps %s  E correct  PgUp/PgDn scroll  Esc back": "环节 %s  E 更正  PgUp/PgDn 翻页  Esc 返回",
}
