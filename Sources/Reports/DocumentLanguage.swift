/// The language a customer's documents are issued in (`documentLanguage`): English, Simplified Chinese, or both
/// with Chinese first and English beside it (中英文对照). Frozen with each document when it is signed or issued.
public enum DocumentLanguage: String, Codable, Sendable, CaseIterable {
    case en
    case zhHans = "zh-Hans"
    case bilingual

    /// The ISO 639-1 codes the document uses, in the order it shows them.
    public var isoCodes: [String] {
        switch self {
        case .en: ["en"]
        case .zhHans: ["zh"]
        case .bilingual: ["zh", "en"]
        }
    }

    /// The HTML `lang` of the document's root.
    public var htmlLang: String { self == .en ? "en" : "zh-Hans" }
}

/// Fixed text of the lab's documents (certificates, notices, invoices, labels) in both languages, looked up by key.
/// One catalogue for every document, so a translation is made once; a test checks every entry has both texts.
public enum DocumentText {
    /// The key's text in `language`: English, Chinese, or `中文 English` for bilingual documents.
    public static func text(_ key: String, _ language: DocumentLanguage) -> String {
        guard let entry = catalogue[key] else { return key }
        switch language {
        case .en: return entry.en
        case .zhHans: return entry.zh
        case .bilingual: return entry.zh == entry.en ? entry.en : "\(entry.zh) \(entry.en)"
        }
    }

    /// The key's texts per ISO 639-1 code in the language's order (for the DCC, which tags each text with its language).
    public static func texts(_ key: String, _ language: DocumentLanguage) -> [(lang: String, text: String)] {
        guard let entry = catalogue[key] else { return [("en", key)] }
        return language.isoCodes.map { ($0, $0 == "zh" ? entry.zh : entry.en) }
    }

    /// Every key with its two texts.
    public static let catalogue: [String: (en: String, zh: String)] = {
        var all: [String: (en: String, zh: String)] = [:]
        for (key, en, zh) in entries { all[key] = (en, zh) }
        return all
    }()

    static let entries: [(String, String, String)] = [
        // Certificates, verification certificates and result notices.
        ("title.calibration-certificate", "Calibration Certificate", "校准证书"),
        ("title.verification-certificate", "Verification Certificate", "检定证书"),
        ("title.verification-result-notice", "Verification Result Notice", "检定结果通知书"),
        ("cert.number", "No.", "证书编号"),
        ("cert.accreditation", "Accreditation", "认可"),
        ("cert.amendment", "This document replaces certificate {0}, which is withdrawn. Reason for the amendment: {1}",
         "本证书替代已撤销的证书 {0}。修改原因：{1}"),
        ("cert.customerAndItem", "Customer and item", "客户与被测物"),
        ("cert.customer", "Customer", "客户"),
        ("cert.orderReference", "Order / customer reference", "订单 / 客户参考号"),
        ("cert.instrument", "Instrument", "器具"),
        ("cert.manufacturer", "Manufacturer", "制造商"),
        ("cert.model", "Model", "型号"),
        ("cert.serialNumber", "Serial number", "出厂编号"),
        ("cert.assetTag", "Asset tag", "资产编号"),
        ("cert.labNumber", "Lab number", "实验室编号"),
        ("cert.condition", "Condition on receipt", "接收时状态"),
        ("cert.method", "Method", "依据方法"),
        ("cert.accredited", "accredited", "认可项目"),
        ("cert.receivedOn", "Date of receipt", "接收日期"),
        ("cert.calibratedOn", "Date of calibration", "校准日期"),
        ("cert.verifiedOn", "Date of verification", "检定日期"),
        ("cert.issuedOn", "Date of issue", "签发日期"),
        ("cert.validUntil", "Valid until", "有效期至"),
        ("cert.place", "Place", "地点"),
        ("cert.placeLab", "Permanent laboratory", "固定实验室"),
        ("cert.environment", "Environmental conditions", "环境条件"),
        ("cert.temperature", "Temperature (°C)", "温度 (°C)"),
        ("cert.humidity", "Relative humidity (%)", "相对湿度 (%)"),
        ("cert.results", "Results", "结果"),
        ("cert.point", "Point", "测量点"),
        ("cert.quantity", "Quantity", "量"),
        ("cert.nominal", "Nominal", "标称值"),
        ("cert.reference", "Reference", "标准值"),
        ("cert.mean", "Mean indication", "示值平均"),
        ("cert.error", "Error", "误差"),
        ("cert.uncertainty", "Expanded uncertainty U", "扩展不确定度 U"),
        ("cert.k", "k", "k"),
        ("cert.coverage", "Coverage", "包含概率"),
        ("cert.mpe", "MPE", "最大允许误差"),
        ("cert.statement", "Statement", "符合性"),
        ("cert.uncertaintyNote", "U is the expanded uncertainty with coverage factor k for the stated coverage probability.",
         "U 为扩展不确定度，k 为所述包含概率下的包含因子。"),
        ("cert.failing", "The instrument does not conform at point(s) {0}.", "器具在测量点 {0} 不符合要求。"),
        ("cert.decisionRule", "Decision rule", "判定规则"),
        ("cert.decisionRuleNote", "The statement of conformity covers the points listed above against the stated MPE.",
         "符合性声明针对上列各测量点及所述最大允许误差。"),
        ("cert.traceability", "Metrological traceability: reference equipment", "计量溯源性：所用标准器"),
        ("cert.asset", "Asset", "编号"),
        ("cert.equipment", "Equipment", "标准器"),
        ("cert.calibrationCertificate", "Calibration certificate", "校准证书号"),
        ("cert.calibratedBy", "Calibrated by", "校准机构"),
        ("cert.due", "Due", "有效期至"),
        ("cert.traceabilityStatement", "Traceability", "溯源"),
        ("cert.authorisation", "Authorisation", "签署"),
        ("cert.performedBy", "Performed by", "检定/校准员"),
        ("cert.reviewedBy", "Reviewed by", "核验员"),
        ("cert.signedBy", "Approved and signed by", "批准人"),
        ("cert.verify", "Verify this certificate", "验证本证书"),
        ("cert.contentDigest", "SHA-256 of the certified content", "证书内容的 SHA-256"),
        ("cert.end", "End of certificate", "证书结束"),
        ("cert.page", "page", "页"),
        ("decision.pass", "pass", "合格"),
        ("decision.fail", "fail", "不合格"),
        ("decision.conditional-pass", "conditional pass", "有条件合格"),
        ("decision.conditional-fail", "conditional fail", "有条件不合格"),
        // DCC names of what each result states.
        ("dcc.results", "Measurement results", "测量结果"),
        ("dcc.item", "Instrument under calibration", "被校器具"),
        ("dcc.temperature", "Ambient temperature", "环境温度"),
        ("dcc.humidity", "Relative humidity", "相对湿度"),
        ("dcc.conversion", "Recorded unit converted for the DCC", "记录单位已换算"),
        ("dcc.validUntil", "Valid until (verification period)", "检定有效期"),
        ("dcc.accreditation", "Accreditation", "认可"),
        // Invoices and credit notes (the English is what invoices said before languages existed).
        ("invoice.title", "Invoice", "发票"),
        ("invoice.creditNote", "Credit note", "贷项通知单"),
        ("invoice.number", "Invoice number", "发票号码"),
        ("invoice.creditNoteNumber", "Credit note number", "贷项通知单编号"),
        ("invoice.issuedOn", "Issued on", "开具日期"),
        ("invoice.dueOn", "Due on", "付款期限"),
        ("invoice.order", "Order", "订单"),
        ("invoice.reference", "Your reference", "贵方参考号"),
        ("invoice.status", "Status", "状态"),
        ("invoice.creditedBy", "Credited by", "冲销凭证"),
        ("invoice.creditedByValue", "{0} on {1}: {2}", "{0}（{1}）：{2}"),
        ("invoice.cancelsInvoice", "Cancels invoice", "冲销发票"),
        ("invoice.reason", "Reason", "原因"),
        ("invoice.billTo", "Bill to", "付款方"),
        ("invoice.details", "Details", "明细"),
        ("invoice.taxId", "Tax ID", "税号"),
        ("invoice.customerCode", "Customer code", "客户代码"),
        ("invoice.accreditation", "Accreditation", "认可"),
        ("invoice.no", "No", "序号"),
        ("invoice.service", "Service", "服务"),
        ("invoice.description", "Description", "说明"),
        ("invoice.serviceAndDescription", "Service and description", "服务及说明"),
        ("invoice.unitPrice", "Unit price", "单价"),
        ("invoice.amount", "Amount", "金额"),
        ("invoice.lineSurcharge", "expedite surcharge", "加急费"),
        ("invoice.subtotal", "Subtotal", "小计"),
        ("invoice.discount", "Discount", "折扣"),
        ("invoice.surcharge", "Expedite surcharge", "加急费"),
        ("invoice.tax", "Tax", "税额"),
        ("invoice.total", "Total", "合计"),
        ("invoice.paid", "Paid", "已付"),
        ("invoice.balance", "Balance due", "应付余额"),
        ("invoice.creditOwed", "Credit owed to you", "应退还贵方金额"),
        ("invoice.payments", "Payments received", "已收款项"),
        ("invoice.receivedOn", "Received on", "收款日期"),
        ("invoice.paymentReference", "Reference", "付款参考号"),
        ("invoice.cancelled", "This invoice was cancelled in full by credit note {0}.", "本发票已由贷项通知单 {0} 全额冲销。"),
        ("invoice.noteCancels", "This credit note cancels invoice {0} in full. Nothing further is due on that invoice.",
         "本贷项通知单全额冲销发票 {0}，该发票无需再付款。"),
        ("invoice.noteIssued", "Issued", "已开具"),
        ("invoice.footer", "Please quote {0} in all correspondence and with every payment.", "往来函件及付款时请注明 {0}。"),
        ("invoice.status.issued", "Issued, unpaid", "已开具，未付款"),
        ("invoice.status.partially_paid", "Partially paid", "部分付款"),
        ("invoice.status.paid", "Paid", "已付清"),
        ("invoice.status.overdue", "Overdue", "逾期"),
        ("invoice.status.credited", "Credited", "已冲销"),
        // Item labels.
        ("label.serial", "s/n", "出厂编号"),
    ]
}
