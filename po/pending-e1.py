{
    "no choice holds \"%s\"; Left/Right to choose": "没有含“%s”的选项；请用 ←→ 选择",
    "Left/Right: %s": "←→：%s",
    "Left/Right to choose": "←→ 选择",
    "Cause": "案由",
    "e.g. suspected theft": "如：涉嫌盗窃",
    "Signed by %1$s (%2$s), %3$s, %4$s; operator %5$s; journal %6$s #%7$lld%8$s\n    document hash %9$s\n      %10$s\n    event hash\n      %11$s": "签名人 %1$s（%2$s），%3$s，%4$s；操作员 %5$s；日志 %6$s #%7$lld%8$s\n    文书哈希%9$s\n      %10$s\n    事件哈希\n      %11$s",
    "; signed an earlier version of this document": "；签署的是本文书的较早版本",
    "As signed then (lines that differ from the text above):": "当时签署的内容（与上文不同的行）：",
    "Band %s is unbound. Put it in the dock so that the dock clears it too.": "手环 %s 已解绑。请将它放入手环座，由手环座一并清除。",
    "Band %s is free: it is bound to nobody in the area.": "手环 %s 空闲，未绑定区内任何人员。",
}
