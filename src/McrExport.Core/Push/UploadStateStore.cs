using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McrExport.Errors;
using McrExport.Model;

namespace McrExport.Push;

/// <summary>
/// Unfinished chunked uploads, kept across runs so a later push continues them: one small JSON file per registry
/// authority, repository and digest, <c>&lt;root&gt;/&lt;sha256 of the key&gt;.json</c>, published by rename so never
/// half-written. It holds the upload URL and the offset only; a URL with user info is never written nor read.
/// </summary>
public sealed class UploadStateStore(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The store inside a blob cache folder: <c>&lt;cache&gt;/uploads</c>.</summary>
    public static UploadStateStore InCache(string cacheRoot) => new(Path.Combine(cacheRoot, "uploads"));

    public string PathOf(string authority, string repository, Digest digest)
    {
        var key = $"{authority.ToLowerInvariant()}/{repository}@{digest}";
        return Path.Combine(Root, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))) + ".json");
    }

    /// <summary>Records where an upload stands; false (and nothing kept) when its URL carries user info.</summary>
    public async Task<bool> SaveAsync(UploadState state, CancellationToken cancellationToken)
    {
        var target = PathOf(state.Authority, state.Repository, state.Digest);
        if (!IsStorable(state.Location))
        {
            Delete(state.Authority, state.Repository, state.Digest);
            return false;
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new Stored(state.Authority, state.Repository, state.Digest.ToString(),
            state.Location.AbsoluteUri, state.Offset), UploadStateJson.Default.Stored);
        var temp = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Root);
            await File.WriteAllBytesAsync(temp, bytes, cancellationToken).ConfigureAwait(false);
            File.Move(temp, target, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DiskException($"cannot record the state of an upload in {Root}: {e.Message}", e);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>The recorded state, or null when there is none or it is unreadable, foreign to the key, or unsafe (then it is deleted).</summary>
    public async Task<UploadState?> LoadAsync(string authority, string repository, Digest digest, CancellationToken cancellationToken)
    {
        var path = PathOf(authority, repository, digest);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DiskException($"cannot read the state of an upload from {path}: {e.Message}", e);
        }
        Stored? stored;
        try
        {
            stored = JsonSerializer.Deserialize(bytes, UploadStateJson.Default.Stored);
        }
        catch (JsonException)
        {
            stored = null;
        }
        if (stored is null
            || !string.Equals(stored.Authority, authority, StringComparison.OrdinalIgnoreCase)
            || stored.Repository != repository
            || stored.Digest != digest.ToString()
            || stored.Offset < 0
            || !Uri.TryCreate(stored.Location, UriKind.Absolute, out var location)
            || !IsStorable(location))
        {
            Delete(authority, repository, digest);
            return null;
        }
        return new UploadState(authority, repository, digest, location, stored.Offset);
    }

    public void Delete(string authority, string repository, Digest digest) => TryDelete(PathOf(authority, repository, digest));

    /// <summary>An absolute http(s) URL without user info.</summary>
    public static bool IsStorable(Uri location) =>
        location.IsAbsoluteUri && (location.Scheme == Uri.UriSchemeHttp || location.Scheme == Uri.UriSchemeHttps) && location.UserInfo.Length == 0;

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    internal sealed record Stored(string Authority, string Repository, string Digest, string Location, long Offset);
}

/// <summary>The upload record's JSON, source-generated.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(UploadStateStore.Stored))]
internal sealed partial class UploadStateJson : System.Text.Json.Serialization.JsonSerializerContext;
