# zh_CN translations of the user-visible strings added on dev-attack (issue 13: the ledger
# under attack, storage full). {msgid: msgstr}; the lead merges them into po/zh_CN.po.
{
    'a number from %ld to %ld is needed, not "%s"': '需要 %ld 至 %ld 之间的数字，而不是“%s”',
    "could not start a thread": "无法启动线程",
    "%s: the disk is full or a file size limit was reached": "%s：磁盘已满或已达到文件大小限制",
    "%s: cannot make the database's directory: %s": "%s：无法创建数据库所在目录：%s",
    "%s: not a directory": "%s：不是目录",
}
