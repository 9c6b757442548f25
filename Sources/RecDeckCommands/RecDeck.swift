public enum RecDeck { public static func main() {} }
