import Hummingbird
import Web

extension ConsoleArea {
    /// Display helpers in the language of `request`.
    func display(_ request: Request) -> Display {
        Display(messages: pages.messages, language: language(request))
    }
}
