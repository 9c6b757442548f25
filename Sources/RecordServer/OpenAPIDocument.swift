import RecordCore

/// `GET /openapi.json`: an OpenAPI 3.1 description of every route the sandbox serves. Each dialect's
/// bodies follow that API's own published document (`../shared/seeds/`); here they are described as JSON
/// objects, with the path parameters, query parameters and answers each route has.
enum OpenAPIDocument {
    static func make(tokens: Bool) -> JSONValue {
        func parameter(_ name: String, in place: String, required: Bool = true) -> JSONValue {
            ["name": .string(name), "in": .string(place), "required": .bool(required), "schema": ["type": "string"]]
        }
        let object: JSONValue = ["type": "object"]
        func answers(_ codes: [Int]) -> JSONValue {
            var out: JSONObject = [:]
            for c in codes {
                out[String(c)] = [
                    "description": .string(c < 300 ? "the dialect's answer" : "the dialect's error envelope"),
                    "content": ["application/json": ["schema": object]],
                ]
            }
            return .object(out)
        }
        func operation(
            _ id: String, _ summary: String, parameters: [JSONValue] = [], body: Bool = true, codes: [Int]
        ) -> JSONValue {
            var o: JSONObject = [
                "operationId": .string(id), "summary": .string(summary), "parameters": .array(parameters),
                "responses": answers(codes + (tokens ? [401] : [])),
            ]
            if body { o["requestBody"] = ["required": true, "content": ["application/json": ["schema": object]]] }
            return .object(o)
        }
        let upsertCodes = [200, 201, 300, 400, 404, 409, 413]
        let paths: JSONObject = [
            "/api/v1/upsert-object": [
                "post": operation("voxworksUpsert", "Voxworks: upsert an object", codes: upsertCodes)
            ],
            "/api/records/{object_identifier}/upsert": [
                "post": operation(
                    "kizenUpsert", "Kizen: upsert a record",
                    parameters: [
                        parameter("object_identifier", in: "path"),
                        parameter("return_all_fields", in: "query", required: false),
                    ], codes: upsertCodes)
            ],
            "/api/developers/v1/objects/{slug}": [
                "put": operation(
                    "nexUpsert", "Nex: upsert a record", parameters: [parameter("slug", in: "path")], codes: upsertCodes
                )
            ],
            "/api/v2/custom_objects/{custom_object_key}/records": [
                "patch": operation(
                    "zendeskUpsert", "Zendesk custom objects: upsert a record by external_id or name",
                    parameters: [
                        parameter("custom_object_key", in: "path"),
                        parameter("external_id", in: "query", required: false),
                        parameter("name", in: "query", required: false),
                    ], codes: upsertCodes)
            ],
            "/objects/{object_type}/batch/upsert": [
                "post": operation(
                    "bulkUpsert", "Bulk: upsert a batch (202 with its processId)",
                    parameters: [parameter("object_type", in: "path")], codes: [202, 400, 404, 413])
            ],
            "/processes/{processId}": [
                "get": operation(
                    "bulkProcess", "Bulk: a process's per-record results",
                    parameters: [parameter("processId", in: "path")],
                    body: false, codes: [200, 404])
            ],
            "/types/{type}/upsert": [
                "post": operation(
                    "nativeUpsert", "recdeck's native upsert (the plan as the answer)",
                    parameters: [parameter("type", in: "path")], codes: upsertCodes)
            ],
            "/types": ["get": operation("listTypes", "Types with their counts", body: false, codes: [200])],
            "/types/{type}/records": [
                "get": operation(
                    "listRecords", "A page of active records in insertion order, and the next page's cursor",
                    parameters: [
                        parameter("type", in: "path"), parameter("after", in: "query", required: false),
                        parameter("limit", in: "query", required: false),
                        parameter("filter", in: "query", required: false),
                    ], body: false, codes: [200, 400, 404])
            ],
            "/types/{type}/records/{id}": [
                "get": operation(
                    "getRecord", "A record by id or identifier value",
                    parameters: [parameter("type", in: "path"), parameter("id", in: "path")], body: false,
                    codes: [200, 404])
            ],
            "/__recdeck/health": ["get": operation("health", "Liveness", body: false, codes: [200])],
            "/__recdeck/requests": [
                "get": operation(
                    "journal", "The request journal", parameters: [parameter("after", in: "query", required: false)],
                    body: false, codes: [200]),
                "delete": operation("clearJournal", "Empty the journal", body: false, codes: [200]),
            ],
            "/__recdeck/reset": [
                "post": operation("reset", "Restore the state the server started from", body: false, codes: [200])
            ],
            "/openapi.json": ["get": operation("openapi", "This document", body: false, codes: [200])],
        ]
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "recdeck sandbox",
                "version": "0.1.0",
                "description": "The five CRM upsert APIs and recdeck's own, answered by one engine over one store.",
            ],
            "paths": .object(paths),
        ]
    }
}
