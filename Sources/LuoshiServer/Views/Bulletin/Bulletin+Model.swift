import Foundation

/// The monthly bulletin (督查督办月通报) of a plan, as the office circulates it.
enum BulletinPage {
    struct Model {
        var plan: UUID
        var bulletin: Bulletin
    }
}
