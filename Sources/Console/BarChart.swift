import Foundation

/// A horizontal bar chart the server draws as inline SVG (no script, no library): the template loops over `bars`, so
/// every label stays HTML-escaped. Accessible as one image (`role="img"` with a title); the table beside it has the figures.
struct BarChart {
    struct Bar {
        var label: String
        var value: String
        var y: String
        var textY: String
        var width: String
        var valueX: String
    }

    var id: String
    var title: String
    var width = 640
    var height: Int
    var labelWidth = 160
    var bars: [Bar]

    static let rowHeight = 28
    static let barArea = 320

    /// One bar per `(label, value, shown text)`, scaled so the largest value fills the bar area.
    init(id: String, title: String, _ data: [(String, Double, String)]) {
        self.id = id
        self.title = title
        let largest = data.map { $0.1 }.max() ?? 0
        self.height = max(1, data.count) * Self.rowHeight + 8
        self.bars = data.enumerated().map { index, datum in
            let length = largest > 0 ? max(0, datum.1) / largest * Double(Self.barArea) : 0
            let top = index * Self.rowHeight + 4
            return Bar(
                label: datum.0, value: datum.2, y: String(top), textY: String(top + 15), width: String(format: "%.1f", length),
                valueX: String(format: "%.1f", 160 + length + 6)
            )
        }
    }
}
