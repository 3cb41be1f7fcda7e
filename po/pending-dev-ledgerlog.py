{
    "--origin takes 1 to 55 printable ASCII characters, no space and no \"+\"": "--origin 须为 1 至 55 个可打印 ASCII 字符，不含空格和“+”",
    "--db or --ledger-key is needed": "需要 --db 或 --ledger-key",
    "print the log's verifier key (note_vkey) for auditors and witnesses": "打印日志的验证公钥（note_vkey），供审计方和见证方使用",
    "the log's newest checkpoint (size %lld) cannot be read": "无法读取日志最新的检查点（大小 %lld）",
    "the log's checkpoints are for the origin %s, not %s: serve it with --origin %s": "日志的检查点属于来源 %s，而非 %s：请以 --origin %s 启动服务",
    "the log's tiles do not give the root of its newest checkpoint (size %lld)": "日志的瓦片算不出其最新检查点（大小 %lld）的根哈希",
    "custody-ledger: the log: %lld leaves added for events stored before it\n": "custody-ledger：日志：为其建立之前存储的事件补入了 %lld 个叶子\n",
}
