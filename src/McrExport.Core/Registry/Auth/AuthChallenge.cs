namespace McrExport.Registry.Auth;

/// <summary>
/// One <c>WWW-Authenticate</c> challenge: a scheme (<c>Bearer</c>, <c>Basic</c>) and its parameters. Parameter names
/// are case-insensitive; values may be quoted (with backslash escapes) or bare tokens. Parsing never throws: a
/// malformed header gives the parameters that could be read.
/// </summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? Realm => Parameters.GetValueOrDefault("realm");
    public string? Service => Parameters.GetValueOrDefault("service");
    public string? Scope => Parameters.GetValueOrDefault("scope");

    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses every challenge in a header value (several may be separated by commas).</summary>
    public static IReadOnlyList<AuthChallenge> ParseAll(string? header)
    {
        var result = new List<AuthChallenge>();
        if (string.IsNullOrWhiteSpace(header) || header.Length > 16 * 1024) return result;
        var i = 0;
        string? scheme = null;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (i < header.Length)
        {
            SkipSpaceAndCommas(header, ref i);
            if (i >= header.Length) break;
            var tokenStart = i;
            while (i < header.Length && !char.IsWhiteSpace(header[i]) && header[i] is not '=' and not ',') i++;
            var token = header[tokenStart..i];
            var save = i;
            SkipSpace(header, ref i);
            if (i < header.Length && header[i] == '=' && scheme is not null && IsToken(token))
            {
                i++;
                SkipSpace(header, ref i);
                parameters[token] = ReadValue(header, ref i);
                continue;
            }
            i = save;
            if (token.Length == 0) { i++; continue; }
            if (!IsToken(token)) continue;
            if (scheme is not null) result.Add(new AuthChallenge(scheme, parameters));
            scheme = token;
            parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        }
        if (scheme is not null) result.Add(new AuthChallenge(scheme, parameters));
        return result;
    }

    private static string ReadValue(string s, ref int i)
    {
        if (i < s.Length && s[i] == '"')
        {
            i++;
            var sb = new System.Text.StringBuilder();
            while (i < s.Length && s[i] != '"')
            {
                if (s[i] == '\\' && i + 1 < s.Length) i++;
                sb.Append(s[i]);
                i++;
            }
            if (i < s.Length) i++;
            return sb.ToString();
        }
        var start = i;
        while (i < s.Length && s[i] != ',' && !char.IsWhiteSpace(s[i])) i++;
        return s[start..i];
    }

    /// <summary>An RFC 9110 token: the only thing a scheme or a parameter name may be.</summary>
    private static bool IsToken(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));

    private static void SkipSpace(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
    }

    private static void SkipSpaceAndCommas(string s, ref int i)
    {
        while (i < s.Length && (char.IsWhiteSpace(s[i]) || s[i] == ',')) i++;
    }
}
