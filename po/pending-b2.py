{
    " (corrected; was %1$s; %2$s, approved by %3$s; reason: %4$s)": "（已更正，原为 %1$s，%2$s %3$s 批准，原因：%4$s）",
    " (%1$s corrected; was %2$s; %3$s, approved by %4$s; reason: %5$s)": "（%1$s已更正，原为 %2$s，%3$s %4$s 批准，原因：%5$s）",
    "names a kind of event that cannot be corrected": "指明的事件类型不能更正",
    "must name the item corrected": "须指明更正的物品",
    "no such item in this visit": "本次入区没有此物品",
    "Item found %1$d: %2$s": "查获物品%1$d：%2$s",
    "Belonging %1$d: %2$s": "随身物品%1$d：%2$s",
    "Search %1$d, item %2$d: %3$s": "检查%1$d 物品%2$d：%3$s",
}
