{
 "%s is not a real date": "%s 不是有效日期",
 "%s is in the future": "%s 晚于今天",
 "%s is more than 130 years ago": "%s 早于 130 年前",
 "digits 2-3 of the number (%.2s) are not a province code": "号码第 2–3 位（%.2s）不是省级行政区划代码",
 "the number's nationality code (digits 4-6: %.3s) is not %s's (%s)": "号码中的国籍代码（第 4–6 位：%.3s）不是%s的代码（%s）",
 "is not in its normal form (trimmed, upper case)": "不是规范格式（应去掉首尾空格并大写）",
 "is not in its normal form (3 capital letters)": "不是规范格式（应为 3 个大写字母）",
 "The ID card reader cannot read this card: its type (%c) is not supported. Type the document on the registration form.": "身份证读卡器无法读取此证件：不支持该证件类型（%c）。请在登记表中手工录入证件。",
 "The ID card reader does not recognise this card.": "身份证读卡器无法识别此证件。",
 "The ID card reader could not read the card: lift it and put it back.": "身份证读卡器读卡失败：请拿起证件后重新放上。",
 "The ID card reader reports an error: %s.": "身份证读卡器报告错误：%s。",
 "Times renewed": "换证次数"
}
