import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import NIOCore
import Testing

/// Calibration records of reference standards created from the provider's Digital Calibration Certificate.
@Suite("DCC import for equipment calibrations")
struct DCCImportTests {
    static let dccType: HTTPFields = [.contentType: "application/vnd.ptb.dcc+xml"]

    /// A provider's DCC written by hand: what a national metrology institute might send.
    static func handWritten(number: String = "NIM-DCC-2026-0815", includeNumber: Bool = true) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" xmlns:si="https://ptb.de/si" schemaVersion="3.1.2">
          <dcc:administrativeData>
            <dcc:coreData>
              <dcc:countryCodeISO3166_1>CN</dcc:countryCodeISO3166_1>
              <dcc:usedLangCodeISO639_1>en</dcc:usedLangCodeISO639_1>
              <dcc:mandatoryLangCodeISO639_1>en</dcc:mandatoryLangCodeISO639_1>
              \(includeNumber ? "<dcc:uniqueIdentifier>\(number)</dcc:uniqueIdentifier>" : "")
              <dcc:beginPerformanceDate>2026-03-02</dcc:beginPerformanceDate>
              <dcc:endPerformanceDate>2026-03-03</dcc:endPerformanceDate>
              <dcc:performanceLocation>laboratory</dcc:performanceLocation>
            </dcc:coreData>
            <dcc:calibrationLaboratory>
              <dcc:contact>
                <dcc:name><dcc:content lang="en">National Institute of Metrology &amp; Standards, China</dcc:content></dcc:name>
                <dcc:eMail>dcc@nim.example</dcc:eMail>
                <dcc:location><dcc:city>Beijing</dcc:city></dcc:location>
              </dcc:contact>
            </dcc:calibrationLaboratory>
            <dcc:statements>
              <dcc:statement refType="basic_traceability">
                <dcc:traceable>true</dcc:traceable>
                <dcc:declaration><dcc:content lang="en">Traceable to the national primary pressure standard of China</dcc:content></dcc:declaration>
              </dcc:statement>
            </dcc:statements>
          </dcc:administrativeData>
          <dcc:measurementResults>
            <dcc:measurementResult>
              <dcc:name><dcc:content>Pressure</dcc:content></dcc:name>
              <dcc:measuringEquipments>
                <dcc:measuringEquipment>
                  <dcc:name><dcc:content>Pressure balance</dcc:content></dcc:name>
                  <dcc:identifications>
                    <dcc:identification><dcc:issuer>other</dcc:issuer><dcc:value>NIM-PB-001</dcc:value></dcc:identification>
                  </dcc:identifications>
                </dcc:measuringEquipment>
              </dcc:measuringEquipments>
              <dcc:results><dcc:result><dcc:name><dcc:content>p</dcc:content></dcc:name><dcc:data><dcc:quantity>
                <si:real><si:value>10.0001</si:value><si:unit>\\mega\\pascal</si:unit></si:real>
              </dcc:quantity></dcc:data></dcc:result></dcc:results>
            </dcc:measurementResult>
          </dcc:measurementResults>
        </dcc:digitalCalibrationCertificate>
        """
    }

    static func post(_ lab: TestLab, equipment: String, _ xml: String, query: String = "?dueOn=2027-03-02") async throws -> APIResponse {
        try await lab.api.request(
            .post, "/v1/equipment/\(equipment)/calibrations\(query)", token: lab.adminToken, headers: dccType, body: ByteBuffer(string: xml)
        )
    }

    @Test func aHandWrittenDCCBecomesTheRightCalibrationRecord() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            let xml = Self.handWritten()
            let created = try await Self.post(lab, equipment: flow.equipmentId, xml)
            try created.expect(.created)
            #expect(try created.string("certificateNumber") == "NIM-DCC-2026-0815")
            #expect(try created.string("calibratedBy") == "National Institute of Metrology & Standards, China")
            #expect(try created.string("calibratedOn") == "2026-03-03")
            #expect(try created.string("dueOn") == "2027-03-02")
            let traceability = try created.string("traceability")
            #expect(traceability.contains("national primary pressure standard") && traceability.contains("NIM-PB-001"))
            #expect(try created.string("dccSha256") == DigitalCalibrationCertificateTests.sha256(xml))
            let kept = try await lab.api.get("/v1/equipment/\(flow.equipmentId)/calibrations/\(try created.string("id"))/dcc", token: lab.adminToken)
            try kept.expect(.ok)
            #expect(kept.text == xml)
            #expect(kept.headers[.contentType]?.hasPrefix("application/vnd.ptb.dcc+xml") == true)
            let history = try await lab.api.get("/v1/equipment/\(flow.equipmentId)", token: lab.adminToken)
            #expect((try history.array("calibrations")).contains { $0["certificateNumber"]?.stringValue == "NIM-DCC-2026-0815" } == true)
        }
    }

    @Test func aDCCCalibraExportedImportsAsACalibrationRecord() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let flow = try await LabFlow.prepare(lab)
            let signed = try await DigitalCalibrationCertificateTests.sign(flow)
            let exported = try await lab.api.get("/v1/certificates/\(try signed.string("id"))?format=dcc", token: lab.adminToken).text
            let created = try await Self.post(lab, equipment: flow.equipmentId, exported, query: "?dueOn=2099-01-01&asFound=in_tolerance")
            try created.expect(.created)
            #expect(try created.string("certificateNumber") == (try signed.string("number")))
            #expect(try created.string("calibratedBy") == (try signed.string("document.laboratory.name")))
            #expect(try created.string("calibratedOn") == (try signed.string("document.calibratedOn")))
            #expect(try created.string("traceability").contains("NIM-2026-0042"))
        }
    }

    @Test func malformedAndNonDCCXMLAreRefusedNamingWhatIsWrong() async throws {
        try await TestLab.run { lab in
            let equipment = try await lab.api.post(
                "/v1/equipment", token: lab.adminToken,
                json: ["assetTag": .string("REF-DCC-1"), "name": .string("Gauge"), "manufacturer": .string("M"), "model": .string("X"),
                       "serialNumber": .string("S"), "quantity": .string("pressure"), "range": .string("0 to 1 MPa"), "serviceCodes": .array([])]
            )
            try equipment.expect(.created)
            let id = try equipment.string("id")
            let cases: [(String, String, String)] = [
                ("<dcc:digitalCalibrationCertificate xmlns:dcc=\"https://ptb.de/dcc\"><dcc:administrativeData>", "?dueOn=2027-01-01", "well-formed"),
                ("<invoice><number>1</number></invoice>", "?dueOn=2027-01-01", "dcc:digitalCalibrationCertificate"),
                (Self.handWritten(includeNumber: false), "?dueOn=2027-01-01", "uniqueIdentifier"),
                (Self.handWritten(), "", "dueOn"),
                (Self.handWritten(), "?dueOn=2027-01-01&asFound=maybe", "asFound"),
            ]
            for (xml, query, named) in cases {
                let refused = try await Self.post(lab, equipment: id, xml, query: query)
                #expect(refused.status == .unprocessableContent, "\(named): \(refused.text)")
                #expect(refused.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                #expect(refused.text.contains(named), "problem does not name \(named): \(refused.text)")
            }
            let history = try await lab.api.get("/v1/equipment/\(id)", token: lab.adminToken)
            #expect(((try? history.array("calibrations")) ?? []).isEmpty)
        }
    }
}
