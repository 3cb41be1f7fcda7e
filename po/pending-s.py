{
    " Red alerts %d: %s (F12) ": " 红色预警 %d：%s（F12） ",
    "No new red alerts.": "没有新的红色预警。",
    "Alerts:": "预警：",
    "open": "未解除",
    "closed": "已解除",
    ", acknowledged by %s": "，%s 已签收",
}
