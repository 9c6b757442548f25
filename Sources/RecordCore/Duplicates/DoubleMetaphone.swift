/// Lawrence Philips' Double Metaphone (C/C++ Users Journal, June 2000): a primary and an alternate
/// phonetic key of a word, four letters at most, so "Smith" and "Schmidt" (SM0/XMT, XMT/SMT) or
/// "Catherine" and "Kathryn" share a key. Written here from the published rules (README says why: no
/// Swift package offers it); checked against the published examples in `DoubleMetaphoneTests`.
public enum DoubleMetaphone {
    /// The primary and alternate keys of one word (the alternate equals the primary for most words).
    public static func keys(_ word: String) -> (primary: String, alternate: String) {
        var encoder = Encoder(word)
        encoder.run()
        return (encoder.primary, encoder.alternate)
    }

    private struct Encoder {
        /// The word in upper-case ASCII letters (accents already folded by the caller), as bytes.
        let w: [UInt8]
        var primary = ""
        var alternate = ""
        let maxLength = 4
        let slavoGermanic: Bool

        init(_ word: String) {
            w = Array(word.uppercased().utf8.filter { ($0 >= 65 && $0 <= 90) || $0 == 32 })
            let text = String(decoding: w, as: UTF8.self)
            slavoGermanic = text.contains("W") || text.contains("K") || text.contains("CZ")
        }

        var done: Bool { primary.count >= maxLength && alternate.count >= maxLength }

        /// The letter at `i`, or 0 outside the word.
        func at(_ i: Int) -> UInt8 { i >= 0 && i < w.count ? w[i] : 0 }
        func vowel(_ i: Int) -> Bool { [65, 69, 73, 79, 85, 89].contains(at(i)) }
        /// True when the text at `i` is one of `options` (all of one length).
        func has(_ i: Int, _ options: String...) -> Bool {
            guard let n = options.first?.utf8.count, i >= 0, i + n <= w.count else { return false }
            return options.contains { $0.utf8.elementsEqual(w[i..<(i + n)]) }
        }
        func letter(_ i: Int, in set: String) -> Bool { at(i) != 0 && set.utf8.contains(at(i)) }

        mutating func add(_ p: String, _ a: String? = nil) {
            if primary.count < maxLength { primary += p.prefix(maxLength - primary.count) }
            let alt = a ?? p
            if alternate.count < maxLength { alternate += alt.prefix(maxLength - alternate.count) }
        }
        mutating func addPrimary(_ p: String) { if primary.count < maxLength { primary += p } }
        mutating func addAlternate(_ a: String) { if alternate.count < maxLength { alternate += a } }

        mutating func run() {
            guard !w.isEmpty else { return }
            var i = has(0, "GN", "KN", "PN", "WR", "PS") ? 1 : 0
            let last = w.count - 1
            while !done && i <= last {
                let c = at(i)
                switch c {
                case 65, 69, 73, 79, 85, 89:  // vowels sound only first
                    if i == 0 { add("A") }
                    i += 1
                case 66: add("P"); i += at(i + 1) == 66 ? 2 : 1  // B
                case 67: i = cCase(i)
                case 68:  // D
                    if has(i, "DG") {
                        if letter(i + 2, in: "IEY") { add("J"); i += 3 } else { add("TK"); i += 2 }
                    } else if has(i, "DT", "DD") {
                        add("T"); i += 2
                    } else {
                        add("T"); i += 1
                    }
                case 70: add("F"); i += at(i + 1) == 70 ? 2 : 1  // F
                case 71: i = g(i)
                case 72:  // H: kept first or between vowels, before a vowel
                    if (i == 0 || vowel(i - 1)) && vowel(i + 1) { add("H"); i += 2 } else { i += 1 }
                case 74: i = j(i)
                case 75: add("K"); i += at(i + 1) == 75 ? 2 : 1  // K
                case 76:  // L
                    if at(i + 1) == 76 {
                        if spanishLL(i) { addPrimary("L") } else { add("L") }
                        i += 2
                    } else {
                        add("L"); i += 1
                    }
                case 77:  // M
                    add("M")
                    let dumb = has(i - 1, "UMB") && (i + 1 == last || has(i + 2, "ER"))
                    i += at(i + 1) == 77 || dumb ? 2 : 1
                case 78: add("N"); i += at(i + 1) == 78 ? 2 : 1  // N
                case 80:  // P
                    if at(i + 1) == 72 { add("F"); i += 2 } else { add("P"); i += letter(i + 1, in: "PB") ? 2 : 1 }
                case 81: add("K"); i += at(i + 1) == 81 ? 2 : 1  // Q
                case 82:  // R: silent in French endings ("Rogier")
                    if i == last && !slavoGermanic && has(i - 2, "IE") && !has(i - 4, "ME", "MA") {
                        addAlternate("R")
                    } else {
                        add("R")
                    }
                    i += at(i + 1) == 82 ? 2 : 1
                case 83: i = s(i)
                case 84: i = t(i)
                case 86: add("F"); i += at(i + 1) == 86 ? 2 : 1  // V
                case 87: i = wCase(i)
                case 88:  // X
                    if i == 0 {
                        add("S"); i += 1
                    } else {
                        let french = i == last && (has(i - 3, "IAU", "EAU") || has(i - 2, "AU", "OU"))
                        if !french { add("KS") }
                        i += letter(i + 1, in: "CX") ? 2 : 1
                    }
                case 90:  // Z
                    if at(i + 1) == 72 {
                        add("J"); i += 2
                    } else {
                        if has(i + 1, "ZO", "ZI", "ZA") || (slavoGermanic && i > 0 && at(i - 1) != 84) {
                            add("S", "TS")
                        } else {
                            add("S")
                        }
                        i += at(i + 1) == 90 ? 2 : 1
                    }
                default: i += 1
                }
            }
        }

        func germanic() -> Bool { has(0, "VAN ", "VON ") || has(0, "SCH") }

        func spanishLL(_ i: Int) -> Bool {
            if i == w.count - 3 && has(i - 1, "ILLO", "ILLA", "ALLE") { return true }
            return (has(w.count - 2, "AS", "OS") || letter(w.count - 1, in: "AO")) && has(i - 1, "ALLE")
        }

        mutating func cCase(_ start: Int) -> Int {
            var i = start
            // "Bacher", "Macher": a Germanic "ach".
            let germanicACH =
                has(i, "CHIA")
                || (i > 1 && !vowel(i - 2) && has(i - 1, "ACH")
                    && (!letter(i + 2, in: "IE") || has(i - 2, "BACHER", "MACHER")))
            if germanicACH {
                add("K"); return i + 2
            }
            if i == 0 && has(i, "CAESAR") { add("S"); return i + 2 }
            if has(i, "CH") { return ch(i) }
            if has(i, "CZ") && !has(i - 2, "WICZ") { add("S", "X"); return i + 2 }
            if has(i + 1, "CIA") { add("X"); return i + 3 }
            if has(i, "CC") && !(i == 1 && at(0) == 77) {
                if letter(i + 2, in: "IEH") && !has(i + 2, "HU") {
                    if (i == 1 && at(i - 1) == 65) || has(i - 1, "UCCEE", "UCCES") { add("KS") } else { add("X") }
                    return i + 3
                }
                add("K"); return i + 2
            }
            if has(i, "CK", "CG", "CQ") { add("K"); return i + 2 }
            if has(i, "CI", "CE", "CY") {
                if has(i, "CIO", "CIE", "CIA") { add("S", "X") } else { add("S") }
                return i + 2
            }
            add("K")
            if has(i + 1, " C", " Q", " G") {
                i += 3
            } else if letter(i + 1, in: "CKQ") && !has(i + 1, "CE", "CI") {
                i += 2
            } else {
                i += 1
            }
            return i
        }

        mutating func ch(_ i: Int) -> Int {
            if i > 0 && has(i, "CHAE") { add("K", "X"); return i + 2 }
            let greek =
                i == 0 && (has(i + 1, "HARAC", "HARIS") || has(i + 1, "HOR", "HYM", "HIA", "HEM")) && !has(0, "CHORE")
            let kh =
                germanic() || has(i - 2, "ORCHES", "ARCHIT", "ORCHID") || letter(i + 2, in: "TS")
                || ((letter(i - 1, in: "AOUE") || i == 0) && (letter(i + 2, in: "LRNMBHFVW ") || i + 1 == w.count - 1))
            if greek || kh {
                add("K")
            } else if i > 0 {
                if has(0, "MC") { add("K") } else { add("X", "K") }
            } else {
                add("X")
            }
            return i + 2
        }

        mutating func g(_ start: Int) -> Int {
            let i = start
            if at(i + 1) == 72 { return gh(i) }
            if at(i + 1) == 78 {
                if i == 1 && vowel(0) && !slavoGermanic {
                    add("KN", "N")
                } else if !has(i + 2, "EY") && at(i + 1) != 89 && !slavoGermanic {
                    add("N", "KN")
                } else {
                    add("KN")
                }
                return i + 2
            }
            if has(i + 1, "LI") && !slavoGermanic { add("KL", "L"); return i + 2 }
            if i == 0
                && (at(i + 1) == 89 || has(i + 1, "ES", "EP", "EB", "EL", "EY", "IB", "IL", "IN", "IE", "EI", "ER"))
            {
                add("K", "J"); return i + 2
            }
            if (has(i + 1, "ER") || at(i + 1) == 89) && !has(0, "DANGER", "RANGER", "MANGER")
                && !letter(i - 1, in: "EI") && !has(i - 1, "RGY", "OGY")
            {
                add("K", "J"); return i + 2
            }
            if letter(i + 1, in: "EIY") || has(i - 1, "AGGI", "OGGI") {
                if germanic() || has(i + 1, "ET") {
                    add("K")
                } else if has(i + 1, "IER") {
                    add("J")
                } else {
                    add("J", "K")
                }
                return i + 2
            }
            add("K")
            return at(i + 1) == 71 ? i + 2 : i + 1
        }

        mutating func gh(_ i: Int) -> Int {
            if i > 0 && !vowel(i - 1) { add("K"); return i + 2 }
            if i == 0 { add(at(i + 2) == 73 ? "J" : "K"); return i + 2 }
            // "Hugh", "bough": silent after B, H or D a little earlier.
            if (i > 1 && letter(i - 2, in: "BHD")) || (i > 2 && letter(i - 3, in: "BHD"))
                || (i > 3 && letter(i - 4, in: "BH"))
            {
                return i + 2
            }
            if i > 2 && at(i - 1) == 85 && letter(i - 3, in: "CGLRT") {
                add("F")  // "laugh", "cough", "tough"
            } else if i > 0 && at(i - 1) != 73 {
                add("K")
            }
            return i + 2
        }

        mutating func j(_ i: Int) -> Int {
            if has(i, "JOSE") || has(0, "SAN ") {
                if (i == 0 && at(i + 4) == 32) || w.count == 4 || has(0, "SAN ") { add("H") } else { add("J", "H") }
                return i + 1
            }
            if i == 0 && !has(i, "JOSE") {
                add("J", "A")
            } else if vowel(i - 1) && !slavoGermanic && letter(i + 1, in: "AO") {
                add("J", "H")
            } else if i == w.count - 1 {
                add("J", "")
            } else if !letter(i + 1, in: "LTKSNMBZ") && !letter(i - 1, in: "SKL") {
                add("J")
            }
            return at(i + 1) == 74 ? i + 2 : i + 1
        }

        mutating func s(_ i: Int) -> Int {
            if has(i - 1, "ISL", "YSL") { return i + 1 }  // "island", "carlisle"
            if i == 0 && has(i, "SUGAR") { add("X", "S"); return i + 1 }
            if has(i, "SH") {
                add(has(i + 1, "HEIM", "HOEK", "HOLM", "HOLZ") ? "S" : "X")
                return i + 2
            }
            if has(i, "SIO", "SIA") || has(i, "SIAN") {
                if slavoGermanic { add("S") } else { add("S", "X") }
                return i + 3
            }
            if (i == 0 && letter(i + 1, in: "MNLW")) || at(i + 1) == 90 {
                add("S", "X")  // "Smith" ~ "Schmidt", "Snider" ~ "Schneider"
                return at(i + 1) == 90 ? i + 2 : i + 1
            }
            if has(i, "SC") {
                if at(i + 2) == 72 {
                    if has(i + 3, "OO", "ER", "EN", "UY", "ED", "EM") {
                        if has(i + 3, "ER", "EN") { add("X", "SK") } else { add("SK") }
                    } else if i == 0 && !vowel(3) && at(3) != 87 {
                        add("X", "S")
                    } else {
                        add("X")
                    }
                } else if letter(i + 2, in: "IEY") {
                    add("S")
                } else {
                    add("SK")
                }
                return i + 3
            }
            if i == w.count - 1 && has(i - 2, "AI", "OI") { addAlternate("S") } else { add("S") }
            return letter(i + 1, in: "SZ") ? i + 2 : i + 1
        }

        mutating func t(_ i: Int) -> Int {
            if has(i, "TION") || has(i, "TIA", "TCH") { add("X"); return i + 3 }
            if has(i, "TH") || has(i, "TTH") {
                if has(i + 2, "OM", "AM") || germanic() { add("T") } else { add("0", "T") }
                return i + 2
            }
            add("T")
            return letter(i + 1, in: "TD") ? i + 2 : i + 1
        }

        mutating func wCase(_ i: Int) -> Int {
            if has(i, "WR") { add("R"); return i + 2 }
            if i == 0 && (vowel(i + 1) || has(i, "WH")) {
                if vowel(i + 1) { add("A", "F") } else { add("A") }
                return i + 1
            }
            if (i == w.count - 1 && vowel(i - 1)) || has(i - 1, "EWSKI", "EWSKY", "OWSKI", "OWSKY") || has(0, "SCH") {
                addAlternate("F"); return i + 1
            }
            if has(i, "WICZ", "WITZ") { add("TS", "FX"); return i + 4 }
            return i + 1
        }
    }
}
