import Foundation
import RecordCore

/// The demo database's content: types, generated requests (deterministic) and example requests.
enum DemoData {
    static let types: [JSONValue] = [
        [
            "key": "companies", "name": "Companies", "kind": "custom",
            "name_field": ["required": true, "unique": true],
            "fields": [
                ["key": "industry", "type": "string"], ["key": "size", "type": "integer"],
                ["key": "website", "type": "string"],
                ["key": "domain", "type": "string"],
            ],
            "identifiers": [["name": "domain", "source": "$.domain", "normalize": "casefold"]],
        ],
        [
            "key": "contacts", "name": "Contacts", "kind": "contact",
            "name_field": ["required": false, "unique": false],
            "fields": [
                ["key": "contact_id", "type": "string", "required": true], ["key": "email", "type": "email"],
                ["key": "phone", "type": "phone"], ["key": "first_name", "type": "string"],
                ["key": "last_name", "type": "string"],
                ["key": "title", "type": "string"], ["key": "company", "type": "string"],
                ["key": "tags", "type": "array"],
                ["key": "score", "type": "integer"], ["key": "city", "type": "string"],
                ["key": "source", "type": "string"], ["key": "address", "type": "object"],
            ],
            "identifiers": [["name": "contact_id", "source": "$.contact_id", "normalize": "exact"]],
            "workspace_id": "32414268188027645",
        ],
        [
            "key": "properties", "name": "Properties", "kind": "custom",
            "name_field": ["required": true, "unique": false],
            "fields": [
                ["key": "id", "type": "string"], ["key": "external_ids", "type": "object"],
                ["key": "beds", "type": "integer"],
                ["key": "price", "type": "number"], ["key": "address", "type": "object"],
                ["key": "listed", "type": "date"],
            ],
            "identifiers": [
                ["name": "property_id", "source": "$.external_ids.rex.property_id", "normalize": "exact"],
                ["name": "id", "source": "$.id", "normalize": "exact"],
            ],
        ],
        [
            // Nex's own example object (its seed's curl request creates Jane Smith here): people matched by
            // any of their email addresses.
            "key": "people", "name": "People", "kind": "contact",
            "name_field": ["required": false, "unique": false],
            "fields": [
                ["key": "name", "type": "object"], ["key": "email_addresses", "type": "array"],
                ["key": "job_title", "type": "string"], ["key": "phone_number", "type": "object"],
                ["key": "location", "type": "object"],
            ],
            "identifiers": [["name": "email_addresses", "source": "$.email_addresses", "normalize": "email"]],
            "workspace_id": "32414268188027645",
        ],
    ]

    static let firstNames = [
        "Jane", "John", "Maria", "Wei", "Aisha", "Lars", "Sofia", "Kenji", "Olivia", "Mateo", "Priya", "Noah",
        "Fatima", "Lucas", "Emma", "Yusuf", "Chloe", "Ivan", "Zoe", "Diego",
    ]
    static let lastNames = [
        "Smith", "Okafor", "Garcia", "Chen", "Müller", "Rossi", "Tanaka", "Kowalski", "Dubois", "Silva", "Novak",
        "Haddad", "Jensen", "Kim", "Olsen", "Petrov", "Nguyen", "Moreau", "Costa", "Berg",
    ]
    static let companyWords = [
        "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Soylent", "Stark", "Wayne", "Wonka",
        "Cyberdyne", "Tyrell", "Aperture", "Gringotts", "Oscorp", "Pied Piper", "Dunder", "Monarch", "Nakatomi",
        "Virtucon",
    ]
    static let suffixes = ["Corporation", "Industries", "Labs", "Group", "Holdings", "Systems"]
    static let industries = ["retail", "software", "logistics", "energy", "media", "finance", "health"]
    static let streets = [
        "Main St", "High St", "Elm Ave", "Harbour Rd", "Station Rd", "Park Lane", "Mill St", "Church St",
    ]

    /// Native requests per type, in the order they are imported; plus ids to archive afterwards.
    static func requests() -> (byType: [(type: String, bodies: [JSONValue])], archive: [(type: String, key: String)]) {
        var rng = SeededRandom(seed: 42)
        func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }

        var companies: [JSONValue] = []
        var archive: [(String, String)] = []
        for i in 0..<60 {
            let name =
                i < companyWords.count
                ? "\(companyWords[i]) \(suffixes[i % suffixes.count])" : "\(pick(companyWords)) \(pick(suffixes)) \(i)"
            let domain = name.lowercased().replacingOccurrences(of: " ", with: "") + ".example"
            companies.append([
                "lookup": ["identifier": "name"], "name": .string(name),
                "data": [
                    "industry": .string(pick(industries)), "size": .int(Int64(5 + rng.next() % 5000)),
                    "website": .string("https://\(domain)"), "domain": .string(domain),
                ],
            ])
            if i % 10 == 0 { archive.append(("companies", name)) }
        }
        // Similar company names, for the duplicate finder.
        companies.append([
            "lookup": ["identifier": "name"], "name": "Globex Corp",
            "data": ["industry": "software", "domain": "globex-corp.example"],
        ])
        companies.append([
            "lookup": ["identifier": "name"], "name": "Initech Inc.",
            "data": ["industry": "software", "domain": "initech-inc.example"],
        ])

        var contacts: [JSONValue] = []
        for i in 0..<420 {
            let first = pick(firstNames), last = pick(lastNames)
            let email = "\(first).\(last)\(i)@\(pick(["mail.example", "corp.example", "post.example"]))".lowercased()
            let phone = "+1 555 \(String(format: "%04d", Int(rng.next() % 10000)))"
            var data: JSONObject = [
                "contact_id": .string(String(format: "C%05d", i)), "email": .string(email),
                "phone": .string(phone), "first_name": .string(first), "last_name": .string(last),
                "title": .string(pick(["CEO", "CTO", "Buyer", "Engineer", "Ops lead", "Analyst"])),
                "company": .string(pick(companyWords)), "score": .int(Int64(rng.next() % 100)),
            ]
            if i % 7 == 0 { data["tags"] = ["vip"] }
            contacts.append([
                "lookup": ["identifier": "contact_id"], "name": .string("\(first) \(last)"), "data": .object(data),
            ])
            if i % 14 == 3 { archive.append(("contacts", String(format: "C%05d", i))) }
        }
        // Planted near-duplicates: email case/whitespace variants, phone format variants, similar names.
        let planted: [(String, String, String, String)] = [
            ("Jane Smith", "Jane.Smith@Example.com", "+1 555 0100", "jane.smith@example.com "),
            ("Wei Chen", "wei.chen@corp.example", "+1 (555) 010-2020", " WEI.CHEN@corp.example"),
            ("Maria Garcia", "maria@post.example", "+15550103030", "Maria@Post.Example"),
            ("Lars Jensen", "lars.jensen@mail.example", "555-010-4040", "lars.jensen@mail.example\t"),
            ("Aisha Okafor", "aisha@corp.example", "+1 555 010 5050", "AISHA@CORP.EXAMPLE"),
        ]
        for (n, p) in planted.enumerated() {
            let parts = p.0.split(separator: " ").map(String.init)
            contacts.append([
                "lookup": ["identifier": "contact_id"], "name": .string(p.0),
                "data": [
                    "contact_id": .string("D\(n)A"), "email": .string(p.1), "phone": .string(p.2),
                    "first_name": .string(parts[0]), "last_name": .string(parts[1]),
                ],
            ])
            contacts.append([
                "lookup": ["identifier": "contact_id"], "name": .string(p.0),
                "data": [
                    "contact_id": .string("D\(n)B"), "email": .string(p.3),
                    "phone": .string(p.2.filter { $0.isNumber || $0 == "+" }),
                    "first_name": .string(parts[0]), "last_name": .string(parts[1]),
                ],
            ])
        }
        for (n, pair) in [
            ("Jon Smyth", "John Smith"), ("Katherine Olsen", "Catherine Olsen"), ("Sofia Rossi", "Sophia Rossi"),
        ].enumerated() {
            for (k, name) in [pair.0, pair.1].enumerated() {
                let parts = name.split(separator: " ").map(String.init)
                contacts.append([
                    "lookup": ["identifier": "contact_id"], "name": .string(name),
                    "data": [
                        "contact_id": .string("N\(n)\(k)"),
                        "email": .string("\(parts[0].lowercased())\(k)@names.example"),
                        "phone": .string("+1 555 019\(n)"), "first_name": .string(parts[0]),
                        "last_name": .string(parts[1]),
                    ],
                ])
            }
        }

        var properties: [JSONValue] = []
        for i in 0..<100 {
            let street = "\(1 + rng.next() % 200) \(pick(streets))"
            var data: JSONObject = [
                "id": .string("X\(1000 + i)"), "beds": .int(Int64(1 + rng.next() % 5)),
                "price": .int(Int64(150_000 + (rng.next() % 900) * 1000)),
                "address": [
                    "street": .string(street), "city": .string(pick(["Springfield", "Riverton", "Lakeside"])),
                ],
                "listed": .string("2026-0\(1 + i % 9)-1\(i % 10)"),
            ]
            if i % 3 != 0 { data["external_ids"] = ["rex": ["property_id": .string("P\(i)")]] }
            properties.append([
                "lookup": ["paths": ["$.external_ids.rex.property_id", "$.id"]], "name": .string(street),
                "data": .object(data),
            ])
            if i % 10 == 5 { archive.append(("properties", "X\(1000 + i)")) }
        }
        return ([("companies", companies), ("contacts", contacts), ("properties", properties)], archive)
    }

    /// Untrusted text: wide characters, emoji, escape sequences (an OSC title, a colour), a bidi override.
    /// The TUI must keep them aligned and show the controls as placeholders. Imported last.
    static let hostileContacts: [JSONValue] = [
        ("T0001", "王小明 Wang Xiaoming"), ("T0002", "Zoë 🚀 Rocket"),
        ("T0003", "Evil\u{1B}]0;pwned\u{07}\u{1B}[31mRed"), ("T0004", "Bidi \u{202E}gnp.exe"),
    ].map { id, name in
        [
            "lookup": ["identifier": "contact_id"], "name": .string(name),
            "data": [
                "contact_id": .string(id), "title": .string(name),
                "email": .string("\(id.lowercased())@unicode.example"),
            ],
        ]
    }

    /// Duplicates that each survivorship rule decides differently, written days apart (age in days, body),
    /// oldest first: Ravi Patel's newer record is fuller and from the CRM (oldest keeps the sparse one;
    /// newest, most-complete and prefer source = crm the full one); Emma Brown's three records disagree on
    /// the city (most common: Leeds; most recent: York) and her title was changed last on the oldest; Bob and
    /// Robert Turner share a phone (the nickname rule); Steven Meyer and Stephen Mayer too (phonetic).
    static let survivorshipPlants: [(days: Int, body: JSONValue)] = [
        (
            200,
            contact(
                "S1A", "Ravi Patel", "ravi.patel@corp.example",
                ["phone": "+1 555 0160", "title": "Buyer", "source": "import", "tags": ["trade-show"]])
        ),
        (
            200,
            contact("S2A", "Emma Brown", "emma.brown@mail.example", ["city": "Leeds", "score": 10, "title": "Analyst"])
        ),
        (150, contact("S2B", "Emma Brown", "Emma.Brown@mail.example", ["city": "Leeds", "score": 20])),
        (120, contact("S3A", "Bob Turner", "bob@turner.example", ["phone": "+1 555 0170", "title": "Owner"])),
        (90, contact("S4A", "Steven Meyer", "steven@meyer.example", ["phone": "+1 555 0180"])),
        (
            40,
            contact(
                "S1B", "Ravi Patel", "Ravi.Patel@corp.example",
                [
                    "phone": "+1 555 0161", "title": "Head of Buying", "source": "crm", "tags": ["vip"],
                    "address": ["street": "12 Quay St", "city": "Bristol", "postcode": "BS1 4DJ"],
                ])
        ),
        (30, contact("S2C", "Emma Brown", "EMMA.BROWN@mail.example", ["city": "York", "score": 30])),
        (
            20,
            contact("S3B", "Robert Turner", "robert.turner@turner.example", ["phone": "+1-555-0170", "city": "Hull"])
        ),
        (10, contact("S4B", "Stephen Mayer", "s.mayer@meyer.example", ["phone": "+15550180", "title": "CFO"])),
        (5, ["lookup": ["identifier": "contact_id", "value": "S2A"], "data": ["title": "Senior Analyst"]]),
    ]

    private static func contact(_ id: String, _ name: String, _ email: String, _ extra: JSONObject)
        -> JSONValue
    {
        let parts = name.split(separator: " ").map { JSONValue.string(String($0)) }
        var data: JSONObject = [
            "contact_id": .string(id), "email": .string(email), "first_name": parts[0], "last_name": parts[1],
            "company": .string(companyWords[Int(id.utf8.last! % 5) + 10]),
        ]
        data.merge(extra) { _, b in b }
        return ["lookup": ["identifier": "contact_id"], "name": .string(name), "data": .object(data)]
    }

    /// Requests for archived contacts (prompt mode): the demo parks them in the conflict queue.
    static let parkedConflicts: [JSONValue] = [
        [
            "lookup": ["identifier": "contact_id", "value": "C00003"],
            "data": ["title": "Returning customer", "score": 70],
        ],
        [
            "lookup": ["identifier": "contact_id", "value": "C00017"],
            "data": ["title": "Renewed", "tags": ["renewal"]],
        ],
        ["lookup": ["identifier": "contact_id", "value": "C00031"], "data": ["phone": "+1 555 0100"]],
    ]

    /// An example request written beside the demo database, with the command that previews it.
    struct Example {
        var file: String
        var dialect: String = "native"
        var type: String
        var query: [String] = []
        var body: JSONValue
        /// The decision planning it gives on a fresh demo (the first record's, for a batch).
        var decision: String
        var expect: String
    }

    /// The request for the archived company "Acme Corporation" under one archive mode (`prompt` is the
    /// default, so its body names none); the decision is the mode's unless given.
    private static func acme(_ mode: String, decision: String? = nil, _ what: String) -> Example {
        var body: JSONValue = [
            "lookup": ["identifier": "name"], "name": "Acme Corporation",
            "data": ["industry": "robotics", "size": 120, "founded": 1999],
        ]
        if mode != "prompt", case .object(var o) = body {
            o["on_archived_match"] = .string(mode)
            body = .object(o)
        }
        let decision = decision ?? mode
        return Example(
            file: "companies-\(mode).json", type: "companies", body: body, decision: decision,
            expect: "\(decision): \(what)")
    }

    /// Example requests: one per archive mode (all hit the archived company "Acme Corporation"), an
    /// update, a create, and one request per API dialect.
    static let examples: [Example] = [
        acme("prompt", decision: "conflict", "Acme Corporation is archived; the plan lists what each mode would do"),
        acme("unarchive", "restores Acme, keeps its values, fills only missing ones"),
        acme("unarchive_update", "restores Acme and applies the request"),
        acme("overwrite", "moves the archived Acme's name aside and creates a new company"),
        Example(
            file: "contacts-update.json", type: "contacts",
            body: [
                "lookup": ["identifier": "contact_id", "value": "C00001"], "data": ["title": "VP Sales", "score": 99],
            ],
            decision: "update",
            expect: "update: contact C00001 gets a new title and score"),
        Example(
            file: "properties-create.json", type: "properties",
            body: [
                "lookup": ["paths": ["$.external_ids.rex.property_id", "$.id"]], "name": "7 Harbour Rd",
                "data": ["external_ids": ["rex": ["property_id": "P-NEW-1"]], "beds": 2],
            ],
            decision: "create",
            expect: "create: no property holds P-NEW-1"),
        Example(
            file: "voxworks-property.json", dialect: "voxworks", type: "properties",
            body: [
                "name": "Riverside flat", "type_name": "properties",
                "data": ["external_ids": ["rex": ["property_id": "P1"]], "beds": 4, "price": 299000],
            ],
            decision: "update",
            expect: "voxworks 200 updated: matched by the default key $.external_ids.rex.property_id = P1"),
        Example(
            file: "kizen-contact.json", dialect: "kizen", type: "contacts",
            body: ["lookup_value": "JANE.SMITH@EXAMPLE.COM", "fields": ["title": "Head of Ops"]],
            decision: "update",
            expect: "kizen 200 updated: email matched case-insensitively; two contacts hold it, the oldest wins"),
        Example(
            file: "nex-contact.json", dialect: "nex", type: "contacts",
            body: ["matching_attribute": "contact_id", "attributes": ["contact_id": "C00002", "tags": ["renewal"]]],
            decision: "update",
            expect: "nex 200: contact C00002 asserted, its tags replaced"),
        Example(
            file: "zendesk-company.json", dialect: "zendesk", type: "companies", query: ["name=GLOBEX INDUSTRIES"],
            body: ["custom_object_record": ["custom_object_fields": ["size": 250]]],
            decision: "update",
            expect: "zendesk 200: Globex Industries found by name, case-insensitively; only size changes"),
        Example(
            file: "bulk-contacts.json", dialect: "bulk", type: "contacts",
            body: [
                "records": [
                    [
                        "attributes": [
                            "contact_id": "B0001", "email": "new.person@mail.example", "favourite_colour": "teal",
                        ], "identifiers": ["ext_id": "EXT-1"],
                    ],
                    ["attributes": ["score": 50], "identifiers": ["ext_id": "EXT-1"]],
                    ["attributes": ["title": "CFO"], "identifiers": ["id": "019a0000-0000-7000-8000-000000000000"]],
                ]
            ],
            decision: "create",
            expect:
                "bulk 202: create, then update of the same record, then one invalid item; favourite_colour ignored with a warning"
        ),
    ]
}
