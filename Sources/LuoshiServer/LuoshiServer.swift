import Fluent
import LuoshiCore
import Vapor

/// The tracking server.
public enum LuoshiServer {
    /// The plan format the server's open-data download serves.
    public static let planFormat = PlanDocument.formatName
}
