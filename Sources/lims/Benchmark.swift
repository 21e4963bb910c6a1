import ArgumentParser
import Certification
import Foundation
import LIMSServer
import Reports

struct Benchmark: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmarks that need no server.", subcommands: [Render.self])

    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Certificate rendering: documents per second on one core, HTML and text.")

        @Option(help: "Documents to render per format.")
        var documents = 5000

        func run() throws {
            let templates = ProjectRoot.locate().appendingPathComponent("Resources/templates")
            let renderer = try ReportRenderer(directory: templates, requiring: CertificationDependencies.templates)
            let result = try RenderingBenchmark.run(renderer: renderer, documents: documents)
            print(String(format: "HTML: %.0f documents/s on one core (%d bytes each)", result.htmlPerSecond, result.htmlBytes))
            print(String(format: "text: %.0f documents/s on one core (%d bytes each)", result.textPerSecond, result.textBytes))
        }
    }
}
