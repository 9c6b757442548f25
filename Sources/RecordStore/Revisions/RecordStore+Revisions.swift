import Foundation
import GRDB
import RecordCore

extension RecordStore {
    /// Selects `columns` of the revisions of `count` records (bound as the ids), oldest first per record:
    /// each record's chain, from its latest revision (`records.last_rev`) back through `revisions.previous`.
    static func revisionChainSQL(records count: Int, columns: String) -> String {
        """
        WITH RECURSIVE chain(id) AS (
            SELECT last_rev FROM records WHERE id IN (\(databaseQuestionMarks(count: count))) AND last_rev IS NOT NULL
            UNION ALL
            SELECT v.previous FROM revisions v JOIN chain c ON v.id = c.id WHERE v.previous IS NOT NULL)
        SELECT \(columns) FROM revisions WHERE id IN (SELECT id FROM chain) ORDER BY record_id, id
        """
    }

    /// The ids of the revisions written under a batch label, newest first: read from the id ranges its
    /// transactions recorded (`revision_batches`), each revision's own label checked.
    static func revisionIDs(inBatch batch: String, _ db: Database) throws -> [Int64] {
        try Int64.fetchAll(
            db,
            sql: """
                SELECT DISTINCT r.id FROM revision_batches b JOIN revisions r ON r.id BETWEEN b.first AND b.last
                WHERE b.batch = ? AND r.batch = ? ORDER BY r.id DESC
                """,
            arguments: [batch, batch])
    }
}
