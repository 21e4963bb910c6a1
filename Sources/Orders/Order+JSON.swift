import Foundation
import LIMSCore

// Orders write their own JSON (``JSONWritable``): an order is encoded on every submission (audit after-image and
// response, one set of bytes) and on every read. Keys in sorted order, optionals left out when absent: the same JSON
// as `JSONValue.encoder` gives, which OrderJSONTests checks byte for byte.

extension Order: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.member("completedAt", ifPresent: completedAt)
        json.key("customerId")
        json.value(customerId)
        json.key("customerReference")
        json.value(customerReference)
        json.member("decidedAt", ifPresent: decidedAt)
        json.key("id")
        json.value(id)
        json.key("items")
        json.array(items)
        json.key("number")
        json.value(number)
        json.key("priority")
        json.value(priority.rawValue)
        json.key("quote")
        json.value(quote)
        json.member("rejectionReason", ifPresent: rejectionReason)
        json.member("returnAddress", ifPresent: returnAddress)
        json.key("status")
        json.value(status.rawValue)
        json.key("submittedAt")
        json.value(submittedAt)
        json.endObject()
    }
}

extension OrderItem: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.member("certifiedAt", ifPresent: certifiedAt)
        json.key("id")
        json.value(id)
        json.key("instrument")
        json.value(instrument)
        json.member("instrumentId", ifPresent: instrumentId)
        json.key("lineNumber")
        json.value(lineNumber)
        json.member("notes", ifPresent: notes)
        json.key("orderId")
        json.value(orderId)
        json.key("serviceCode")
        json.value(serviceCode)
        json.key("status")
        json.value(status.rawValue)
        json.key("unitPrice")
        json.value(unitPrice)
        json.endObject()
    }
}

extension Instrument: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.member("assetTag", ifPresent: assetTag)
        json.member("description", ifPresent: description)
        json.key("manufacturer")
        json.value(manufacturer)
        json.key("model")
        json.value(model)
        json.key("serialNumber")
        json.value(serialNumber)
        json.endObject()
    }
}

extension Quote: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("currency")
        json.value(currency)
        json.key("discount")
        json.value(discount)
        json.key("discountBasisPoints")
        json.value(discountBasisPoints)
        json.key("expedited")
        json.value(expedited)
        json.key("lines")
        json.array(lines)
        json.key("subtotal")
        json.value(subtotal)
        json.key("surcharge")
        json.value(surcharge)
        json.key("tax")
        json.value(tax)
        json.key("taxRateBasisPoints")
        json.value(taxRateBasisPoints)
        json.key("total")
        json.value(total)
        json.endObject()
    }
}

extension Quote.Line: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("description")
        json.value(description)
        json.key("expediteSurchargeBasisPoints")
        json.value(expediteSurchargeBasisPoints)
        json.key("itemId")
        json.value(itemId)
        json.key("serviceCode")
        json.value(serviceCode)
        json.key("unitPrice")
        json.value(unitPrice)
        json.endObject()
    }
}
