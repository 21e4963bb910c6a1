// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let postgres = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let httpTypes = Target.Dependency.product(name: "HTTPTypes", package: "swift-http-types")

let package = Package(
    name: "calibra",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lims", targets: ["lims"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // Shared kernel: problems, money, numbering, audit, principal, paging, transactions, migrations.
        .target(name: "LIMSCore", dependencies: [hummingbird, httpTypes, postgres, logging, crypto], swiftSettings: swiftSettings),
        // Pure leaves: no database, no HTTP.
        .target(name: "Uncertainty", swiftSettings: swiftSettings),
        .target(
            name: "Reports",
            dependencies: [.product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: swiftSettings
        ),
        // Domain modules, in dependency order.
        .target(
            name: "Accounts",
            dependencies: ["LIMSCore", hummingbird, postgres, crypto, .product(name: "HummingbirdBcrypt", package: "hummingbird-auth")],
            swiftSettings: swiftSettings
        ),
        // The customer's instrument register, upstream of Orders (order submission registers instruments).
        .target(
            name: "Instruments",
            dependencies: ["LIMSCore", "Accounts", hummingbird, postgres, logging],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Orders",
            dependencies: ["LIMSCore", "Accounts", "Instruments", hummingbird, httpTypes, postgres, crypto],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Samples",
            dependencies: ["LIMSCore", "Orders", "Reports", hummingbird, httpTypes, postgres],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Scheduling",
            dependencies: ["LIMSCore", hummingbird, postgres],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Billing",
            dependencies: ["LIMSCore", "Orders", "Reports", hummingbird, postgres, .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Certification",
            dependencies: ["LIMSCore", "Scheduling", "Uncertainty", "Reports", hummingbird, postgres, crypto],
            swiftSettings: swiftSettings
        ),
        // Nonconforming work and reverse traceability, downstream of Certification and Scheduling.
        .target(
            name: "Quality",
            dependencies: ["LIMSCore", "Scheduling", "Certification", hummingbird, postgres, logging],
            swiftSettings: swiftSettings
        ),
        // Outbound webhooks (Standard Webhooks 1.0): endpoints, the delivery queue and its workers; reads customer events through LIMSCore.
        .target(
            name: "Webhooks",
            dependencies: [
                "LIMSCore", hummingbird, httpTypes, postgres, logging, crypto,
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Management reports: owns no tables, reads only the read-only `report_*` views the owning modules publish.
        .target(
            name: "Management",
            dependencies: ["LIMSCore", hummingbird, httpTypes, postgres],
            swiftSettings: swiftSettings
        ),
        // The web layer, above the domain modules: the shared foundation, then the staff console.
        .target(
            name: "Web",
            dependencies: ["LIMSCore", "Accounts", hummingbird, httpTypes, postgres, logging, crypto, .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Console",
            dependencies: [
                "Web", "LIMSCore", "Accounts", "Instruments", "Orders", "Samples", "Scheduling", "Certification", "Billing", "Uncertainty", "Quality", "Management",
                hummingbird, httpTypes,
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Portal",
            dependencies: [
                "Web", "LIMSCore", "Accounts", "Instruments", "Orders", "Samples", "Certification", "Billing", "Webhooks", hummingbird, httpTypes, crypto,
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "LIMSServer", dependencies: [
            "Web", "Console", "Portal", "Quality", "Management", "LIMSCore", "Accounts", "Instruments", "Orders", "Samples", "Scheduling", "Billing", "Certification", "Uncertainty", "Reports",
            "Webhooks", hummingbird, httpTypes, postgres, logging,
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        .executableTarget(
            name: "lims",
            dependencies: [
                "LIMSServer", "LIMSCore", "Accounts", "Certification", "Reports", "Webhooks", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LIMSTestSupport",
            dependencies: [
                "LIMSServer", "LIMSCore", "Accounts", "Certification", "Webhooks", hummingbird, postgres, crypto,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrdersTests",
            dependencies: ["LIMSTestSupport", "Orders", "LIMSCore", "Accounts", postgres, .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SchedulingTests",
            dependencies: ["LIMSTestSupport", "Scheduling", "LIMSCore", "Accounts", .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BillingTests",
            dependencies: ["LIMSTestSupport", "LIMSServer", "Billing", "Orders", "LIMSCore", "Accounts", "Reports", postgres, .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SamplesTests",
            dependencies: [
                "LIMSTestSupport", "Samples", "Orders", "LIMSCore", "Accounts", postgres, .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CertificationTests",
            dependencies: [
                "LIMSTestSupport", "LIMSServer", "Certification", "Scheduling", "Orders", "Accounts", "Reports", "LIMSCore", postgres,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InstrumentsTests",
            dependencies: [
                "LIMSTestSupport", "LIMSServer", "Instruments", "Orders", "Accounts", "LIMSCore", hummingbird, postgres,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "UncertaintyTests", dependencies: ["Uncertainty"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LIMSServerTests",
            dependencies: [
                "LIMSTestSupport", "LIMSServer", "LIMSCore", "Accounts", "Web", "Webhooks", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"), hummingbird, postgres, crypto,
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
