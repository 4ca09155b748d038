import LuoshiCore

/// The tracking server (issue 3) will live here: configuration, migrations, routes, pages.
public enum LuoshiServer {
    /// The plan format the server's open-data download serves.
    public static let planFormat = PlanDocument.formatName
}
