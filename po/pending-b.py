{
    "fingerprint: the model is as608, r307 or r503, as in: model r503": "fingerprint：型号为 as608、r307 或 r503，例如：model r503",
}
