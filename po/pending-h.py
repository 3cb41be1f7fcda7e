{
    "The UHF reader did not answer: the power may not have been set.": "超高频读写器未应答：功率可能未设置。",
    "The module took the power but did not answer when asked for it again.": "模块已接受该功率，但再次查询时未应答。",
    "uhf: mute takes on or off": "uhf：mute 需要 on 或 off",
    "uhf: refuse takes an error code in hex, 01 to FF, as in: refuse 17": "uhf：refuse 需要十六进制错误码 01 到 FF，例如：refuse 17",
}
