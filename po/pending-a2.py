{
    "Document number": "证件号码",
    "must be text, and not too long": "须为文本，且不超长",
}
