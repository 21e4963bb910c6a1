import Foundation
import Hummingbird
import LIMSCore
import Uncertainty

/// The two stateless computations of the uncertainty module, for any staff member:
/// `POST /v1/uncertainty/evaluate` (a GUM budget) and `POST /v1/conformity/decide` (ILAC-G8).
/// Nothing is stored; the module itself knows no HTTP, so this controller only translates.
struct UncertaintyController: Sendable {
    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("uncertainty/evaluate", use: evaluate)
        group.post("conformity/decide", use: decide)
    }

    func evaluate(_ request: Request, context: AuthenticatedContext) async throws -> BudgetResult {
        _ = try context.principal.requireStaff()
        let budget = try await request.decode(as: BudgetRequest.self, context: context)
        do {
            return try budget.evaluate()
        } catch {
            throw Problem.validation(error.issues.map(Self.issue))
        }
    }

    func decide(_ request: Request, context: AuthenticatedContext) async throws -> ConformityResponse {
        _ = try context.principal.requireStaff()
        let input = try await request.decode(as: ConformityRequest.self, context: context)
        do {
            return try input.decide()
        } catch {
            throw Problem.validation(error.issues.map(Self.issue))
        }
    }

    static func issue(_ issue: Uncertainty.FieldIssue) -> LIMSCore.FieldIssue {
        LIMSCore.FieldIssue(field: issue.field, message: issue.message)
    }
}

extension BudgetResult: ResponseEncodable {}
extension ConformityResponse: ResponseEncodable {}
