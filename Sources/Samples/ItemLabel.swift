import Foundation
import Reports

/// The printable label of a received instrument: a self-contained HTML page sized for a 62 mm × 29 mm
/// die-cut label, with the lab number as a Code 128 barcode in inline SVG. No scripts, no external assets.
public struct ItemLabel: Sendable {
    public var item: SampleItem
    public var customerName: String
    /// The customer's document language: the label's fixed text comes from the document catalogue.
    public var language: DocumentLanguage

    public init(item: SampleItem, customerName: String, language: DocumentLanguage = .en) {
        self.item = item
        self.customerName = customerName
        self.language = language
    }

    /// The HTML page; `nil` before receipt (there is no lab number to print yet).
    public var html: String? {
        guard let number = item.number, let barcode = Code128.svg(number, height: 40) else { return nil }
        let instrument = [item.instrument.manufacturer, item.instrument.model].joined(separator: " ")
        return """
            <!DOCTYPE html>
            <html lang="\(language.htmlLang)">
            <head>
            <meta charset="utf-8">
            <title>\(HTML.escape(number))</title>
            <style>
            @page { size: 62mm 29mm; margin: 0 }
            html, body { margin: 0; padding: 0; background: #fff; color: #000 }
            body { width: 62mm; height: 29mm; overflow: hidden; font: 6.5pt/1.2 "DejaVu Sans", Arial, Helvetica, sans-serif }
            .label { box-sizing: border-box; width: 62mm; height: 29mm; padding: 1.5mm 2mm; overflow: hidden; page-break-after: always }
            .barcode { display: block; width: 58mm; height: 10mm }
            .number { font: bold 9pt/1.1 "DejaVu Sans Mono", "Courier New", monospace; text-align: center; letter-spacing: 0.3pt; margin: 0.5mm 0 }
            .line { white-space: nowrap; overflow: hidden; text-overflow: ellipsis }
            .customer { font-weight: bold }
            </style>
            </head>
            <body>
            <div class="label">
            \(barcode)
            <div class="number">\(HTML.escape(number))</div>
            <div class="line customer">\(HTML.escape(customerName))</div>
            <div class="line">\(HTML.escape(item.orderNumber)) · \(HTML.escape(item.serviceCode))</div>
            <div class="line">\(HTML.escape(instrument)) · \(HTML.escape(DocumentText.text("label.serial", language))) \(HTML.escape(item.instrument.serialNumber))</div>
            </div>
            </body>
            </html>

            """
    }
}

/// Escaping for text placed in HTML element content and attribute values.
enum HTML {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
