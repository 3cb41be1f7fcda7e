# zh_CN translations of the user-visible strings added on dev-actionid (issue 13 §6 and its
# "Also" items), for the lead to merge into po/zh_CN.po: {msgid: msgstr}.
PENDING = {
    " │ JOURNAL STOPPED": " │ 日志已停止写入",
    "%s is damaged": "%s 已损坏",
    "%s, %s, %s": "%s，%s，%s",
    "--ledger is required": "必须给出 --ledger",
    "Already recorded at %s (event %lld): this was saved before, nothing is recorded twice.":
        "已于 %s 记录（事件 %lld）：此前已保存，不会重复记录。",
    "Enrolment token: ": "注册令牌：",
    "Enter continue": "Enter 继续",
    "F5 reopen the journal  F10 log out": "F5 重新打开日志  F10 退出登录",
    "Fix the cause (a full or failing disk), then press F5: the journal is opened again and "
    "you see what was recorded. The open forms stay as they are, and saving one again records "
    "it at most once.":
        "排除故障（磁盘已满或损坏）后按 F5：日志重新打开，并显示已记录的内容。已打开的表单保持原样，"
        "再次保存最多只记录一次。",
    "Log in to see your last recorded event.": "登录后可查看您最后记录的事件。",
    "Nothing more is written until the journal is reopened; what was recorded before is kept. "
    "The step being saved may or may not have reached the disk: do not record it again "
    "elsewhere.":
        "日志重新打开前不再写入任何内容；此前已记录的内容均保留。正在保存的步骤可能已经写入磁盘，"
        "也可能没有：请勿在别处重复记录。",
    "The journal is open again and writes.": "日志已重新打开，可以写入。",
    "The journal stopped writing": "日志已停止写入",
    "The journal stopped writing at %s: %s": "日志于 %s 停止写入：%s",
    "The step being saved then (%s, by %s) IS recorded: event %lld, %s. Saving it again "
    "changes nothing.":
        "当时正在保存的步骤（%s，操作员 %s）已记录在案：事件 %lld，%s。再次保存不会重复记录。",
    "The step being saved then (%s, by %s) was NOT recorded: save it again.":
        "当时正在保存的步骤（%s，操作员 %s）未被记录：请重新保存。",
    "What was recorded": "记录情况",
    "Whether the step being saved then (%s, by %s) was recorded cannot be told: look at the "
    "last recorded event.":
        "无法判断当时正在保存的步骤（%s，操作员 %s）是否已记录：请查看最后记录的事件。",
    "You have no recorded event on this terminal yet.": "您在本终端上还没有记录的事件。",
    "Your last recorded event: %s (event %lld).": "您最后记录的事件：%s（事件 %lld）。",
    "alert acknowledged": "告警已确认",
    "alert cleared": "告警已解除",
    "alert raised": "告警已发出",
    "belongings returned": "随身物品已返还",
    "cannot make %s private (mode 0700): %s": "无法将 %s 设为私有（权限 0700）：%s",
    "cannot read the token file %s: %s": "无法读取令牌文件 %s：%s",
    "cannot remove %s: %s": "无法删除 %s：%s",
    "failed login": "登录失败",
    "fingerprint captured": "指纹已采集",
    "into a room": "进入房间",
    "inventory": "盘点",
    "login": "登录",
    "no token: give it on standard input or in --token-file FILE":
        "没有令牌：请从标准输入或 --token-file 文件给出",
    "operator added": "已添加操作员",
    "out of a room": "离开房间",
    "property checked out": "涉案财物已调出",
    "property disposed of": "涉案财物已处置",
    "property item registered": "涉案财物已登记",
    "property location created": "已新建存放位置",
    "property moved": "涉案财物已移库",
    "property returned to its owner": "涉案财物已发还",
    "property returned to storage": "涉案财物已归还入库",
    "property stored": "涉案财物已入库",
    "property tag bound": "已绑定财物标签",
    "property transferred": "涉案财物已移交",
    "return from a temporary exit": "临时出区返回",
    "signature": "签名",
    "supervisor's override": "主管越级审批",
    "terminal created": "终端已创建",
    "the action id \"%.64s\" is not valid": "操作编号“%.64s”无效",
    "the journal has not stopped": "日志没有停止",
    "the journal is still in use (a query is open); try again": "日志仍在使用中（有查询未结束）；请重试",
    "the journal lists an action at seq %lld but holds no such event: run custody rebuild":
        "日志在序号 %lld 处列有一项操作，但没有该事件：请运行 custody rebuild",
    "the token is longer than %d characters": "令牌超过 %d 个字符",
    "the token is not taken on the command line, where other users see it: give it on "
    "standard input or in --token-file FILE":
        "令牌不能写在命令行上（其他用户可以看到）：请从标准输入或 --token-file 文件给出",
    "unknown room \"%s\"; the rooms are %s": "未知房间“%s”；房间有：%s",
    "wristband bound": "手环已绑定",
    "wristband unbound": "手环已解绑",
}
