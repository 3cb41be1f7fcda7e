{
    "band %s": "手环 %s",
    "badge %s": "工牌 %s",
    "zone %s": "区域 %s",
    "wristband dock": "手环座",
    "New red alert: %1$s, %2$s: %3$s": "新的红色预警：%1$s，%2$s：%3$s",
    "%1$d %2$s alert(s)": "%1$d 条%2$s预警",
    "%1$d alerts, %2$d %3$s": "%1$d 条预警，%2$d 条%3$s",
    "Result": "结果",
    "Recorded location": "登记库位",
    "Event kind": "事件类型",
    "The UHF reader is not connected: type the tag, or hold it to the 13.56 MHz reader.": "超高频读写器未连接：请输入标签，或将标签放到 13.56 MHz 读卡器上。",
    "Fill in %s.": "请填写%s。",
}
