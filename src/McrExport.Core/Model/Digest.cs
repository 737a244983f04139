using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using McrExport.Errors;

namespace McrExport.Model;

/// <summary>
/// A validated content digest, <c>algorithm:encoded</c> as the OCI image spec defines it. Only <c>sha256</c>
/// (64 lowercase hex) and <c>sha512</c> (128 lowercase hex) are accepted, so a value of this type is always safe to
/// use as a file name.
/// </summary>
[JsonConverter(typeof(DigestJsonConverter))]
public readonly partial record struct Digest
{
    public const string Sha256 = "sha256";
    public const string Sha512 = "sha512";

    private Digest(string algorithm, string encoded)
    {
        Algorithm = algorithm;
        Encoded = encoded;
    }

    public string Algorithm { get; }

    /// <summary>The lowercase hex part.</summary>
    public string Encoded { get; }

    public override string ToString() => Algorithm is null ? "" : $"{Algorithm}:{Encoded}";

    /// <summary>The first 12 hex characters, for messages.</summary>
    public string Short => Encoded.Length > 12 ? Encoded[..12] : Encoded;

    [GeneratedRegex(@"^sha256:[a-f0-9]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex(@"^sha512:[a-f0-9]{128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Sha512Pattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex GeneralPattern();

    /// <summary>Parses and validates a digest; <paramref name="field"/> names where it came from, for the message.</summary>
    /// <exception cref="InvalidDigestException">the value is not a supported, well-formed digest.</exception>
    public static Digest Parse(string? value, string? field = null)
    {
        if (TryParse(value, out var digest, out var reason)) return digest;
        throw new InvalidDigestException(value ?? "", reason, field);
    }

    public static bool TryParse(string? value, out Digest digest) => TryParse(value, out digest, out _);

    private static bool TryParse(string? value, out Digest digest, out string reason)
    {
        digest = default;
        if (string.IsNullOrEmpty(value)) { reason = "empty"; return false; }
        if (value.Length > 200) { reason = "too long"; return false; }
        if (Sha256Pattern().IsMatch(value)) { digest = new Digest(Sha256, value[7..]); reason = ""; return true; }
        if (Sha512Pattern().IsMatch(value)) { digest = new Digest(Sha512, value[7..]); reason = ""; return true; }
        if (!GeneralPattern().IsMatch(value)) { reason = "not of the form algorithm:hex"; return false; }
        var algorithm = value[..value.IndexOf(':')];
        reason = algorithm switch
        {
            Sha256 => "sha256 needs exactly 64 lowercase hex characters",
            Sha512 => "sha512 needs exactly 128 lowercase hex characters",
            _ => $"unsupported algorithm '{algorithm}' (sha256 and sha512 are supported)",
        };
        return false;
    }

    /// <summary>The digest of <paramref name="data"/> with the given algorithm.</summary>
    public static Digest Compute(ReadOnlySpan<byte> data, string algorithm = Sha256)
    {
        var hash = algorithm == Sha512 ? SHA512.HashData(data) : SHA256.HashData(data);
        return FromHash(algorithm, hash);
    }

    /// <summary>Builds a digest from a raw hash value.</summary>
    public static Digest FromHash(string algorithm, ReadOnlySpan<byte> hash)
    {
        if (algorithm != Sha256 && algorithm != Sha512) throw new InvalidDigestException(algorithm, "unsupported algorithm");
        var expected = algorithm == Sha256 ? 32 : 64;
        if (hash.Length != expected) throw new ArgumentException($"a {algorithm} hash has {expected} bytes", nameof(hash));
        return new Digest(algorithm, Convert.ToHexStringLower(hash));
    }

    /// <summary>A new incremental hasher for this digest's algorithm.</summary>
    public IncrementalHash CreateHasher() =>
        IncrementalHash.CreateHash(Algorithm == Sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);
}

/// <summary>Reads and writes a <see cref="Digest"/> as its string form, validating on read.</summary>
public sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? Digest.Parse(reader.GetString())
            : throw new JsonException("a digest must be a string");

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
