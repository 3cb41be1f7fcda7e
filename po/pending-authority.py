# zh_CN for the strings of dev-authority (issue 13 §5, who may say what): {msgid: msgstr}.
# The lead merges these into po/zh_CN.po (make pot was not run on this branch).
{
    "authority: %s": "授权：%s",
    "the authority member must be the body's last, after others":
        "authority 成员必须是事件内容的最后一项，且前面另有成员",
    "the authority member must hold admin, center and sig":
        "authority 成员必须包含 admin、center 和 sig",
    "admin, center or sig is not valid": "admin、center 或 sig 无效",
    "the event's operator is not the administrator who signed it":
        "事件的操作员不是签署它的管理员",
    "the authority member is not in its canonical form": "authority 成员不是规范格式",
    "the signature does not verify under the center key it names":
        "签名无法用其所称的中心密钥验证",
    "cannot derive a key from the password (out of memory?)": "无法由密码派生密钥（内存不足？）",
    "the credential must hold center, salt, opslimit, memlimit and sealed":
        "凭据必须包含 center、salt、opslimit、memlimit 和 sealed",
    "the credential's cost is out of bounds (at most %d passes over %u MiB)":
        "凭据的计算代价超出范围（最多 %d 轮、%u MiB）",
    "the credential's administrator id is too long": "凭据的管理员编号过长",
    "the password does not open %s's credential": "该密码无法打开 %s 的凭据",
    "%s's credential opens to another key than the center it names":
        "%s 的凭据打开后不是其所称的中心密钥",
    "%s: %s (give the center's key file, center.pub, or its 64 hex digits)":
        "%s：%s（请给出中心密钥文件 center.pub，或其 64 位十六进制数）",
    "%s is not a center key file (\"custody-center-key 1\" and public_key)":
        "%s 不是中心密钥文件（应为“custody-center-key 1”和 public_key）",
    "show, pin or found?": "show、pin 还是 found？",
    "pin wants the center's key file or its hex": "pin 需要中心密钥文件或其十六进制数",
    "center key %s pinned\n": "已固定中心密钥 %s\n",
    "unknown center command \"%s\"": "未知的 center 子命令“%s”",
    "found wants --admin ID and --admin-name NAME": "found 需要 --admin 编号和 --admin-name 姓名",
    "Password of the new administrator: ": "新管理员的密码：",
    "center key %s created with administrator %s: copy %s to every terminal of this center "
    "(custody init --center FILE)\n":
        "已创建中心密钥 %s 及管理员 %s：请将 %s 复制到本中心的每台终端"
        "（custody init --center 文件）\n",
    "show, pin or found the center key that signs operators and other reference data":
        "查看、固定或创建为操作员等基础数据签名的中心密钥",
    "--admin and --admin-name go together": "--admin 和 --admin-name 必须同时给出",
    "give --admin (a new center) or --center (join one), not both":
        "请给出 --admin（新建中心）或 --center（加入中心），不能同时给出",
    "Password of administrator %s: ": "管理员 %s 的密码：",
    "--by names the administrator who adds the operator (the first one is made by custody "
    "init --admin)":
        "--by 指定添加操作员的管理员（第一位管理员由 custody init --admin 创建）",
    "operator %s (%s) added as %s by %s\n": "已添加操作员 %s（%s），角色 %s，授权管理员 %s\n",
    " (no center key)": "（无中心密钥）",
    " (password hash below today's cost)": "（密码哈希强度低于当前标准）",
    "add an operator on an administrator's authority (both passwords from standard input) or "
    "list them":
        "经管理员授权添加操作员（两个密码均从标准输入读取），或列出操作员",
    "%lld foreign event(s) stored but not applied: they fail the checks (first: %s)\n":
        "%lld 个其他终端的事件已保存但未生效：未通过检查（第一个：%s）\n",
    "%s %s: %s: %s": "%s %s：%s：%s",
    "must be the event's subject": "必须与事件的对象相同",
    "must be 1 to 64 bytes of text": "必须是 1 到 64 字节的文本",
    "must be clerk, keeper, supervisor or admin": "必须是 clerk、keeper、supervisor 或 admin",
    "must be an argon2id hash of at most 8 passes over 256 MiB":
        "必须是最多 8 轮、256 MiB 的 argon2id 哈希",
    "only an administrator holds one": "只有管理员持有",
    "is sealed for another center than the one that signed the event":
        "所封存的中心与签署该事件的中心不同",
    "must be 1 to 32 bytes of text": "必须是 1 到 32 字节的文本",
    "must be a count from 0 to 1000000": "必须是 0 到 1000000 之间的计数",
    "must be a time in ms, 0 or more": "必须是不小于 0 的毫秒时间",
    "must be a JSON object": "必须是 JSON 对象",
    "holds control characters, bidirectional overrides or a NUL in its text":
        "文本中含有控制字符、双向覆盖字符或 NUL",
    "%s %s: reference data needs an administrator's authority, signed with the center key":
        "%s %s：基础数据需要管理员授权（用中心密钥签名）",
    "%s %s: signed with another center key than the one pinned here":
        "%s %s：签名所用的中心密钥不是本机固定的中心密钥",
    "terminal.created only opens its own terminal's chain":
        "terminal.created 只能作为本终端事件链的第一个事件",
    "another center key is pinned in this journal already": "本日志已固定了另一个中心密钥",
    "adding an operator needs an administrator present at this terminal (--by ID and their "
    "password)":
        "添加操作员需要管理员在本终端现场授权（--by 编号及其密码）",
    "%s is not an administrator": "%s 不是管理员",
    "administrator %s holds no center key (added before the center had one): an administrator "
    "who does must act":
        "管理员 %s 没有中心密钥（在中心密钥建立前添加）：须由持有中心密钥的管理员操作",
    "%s's center key is not the one pinned here": "%s 的中心密钥不是本机固定的中心密钥",
    "this journal already belongs to a center (its key is pinned): an administrator of that "
    "center adds operators":
        "本日志已属于一个中心（其密钥已固定）：请由该中心的管理员添加操作员",
    "no center key is pinned here": "本机尚未固定中心密钥",
}
