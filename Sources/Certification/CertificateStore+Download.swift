import Hummingbird
import LIMSCore

extension CertificateStore.Stored {
    /// The stored DCC as a download, for the console's and the portal's links; nil for a certificate signed before DCC export.
    public var dccDownload: Response? {
        dcc.map {
            DocumentFormat.document(
                $0, contentType: "\(DCCRenderer.mediaType); charset=utf-8",
                headers: [.contentDisposition: "attachment; filename=\"\(certificate.number).dcc.xml\""]
            )
        }
    }
}
