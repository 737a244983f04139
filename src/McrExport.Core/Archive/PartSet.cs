using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using McrExport.Errors;
using McrExport.Output.Split;

namespace McrExport.Archive;

/// <summary>
/// The parts of a split archive (<c>NAME.001</c>, <c>NAME.002</c>, … and <c>NAME.sha256</c>, as
/// <see cref="SplitOutput"/> writes them) seen as the one archive <c>NAME</c>: <see cref="OpenRead"/> gives a
/// seekable read-only stream over the parts in order, without joining them on disk. <see cref="CheckAsync"/> checks
/// every part against <c>NAME.sha256</c> (and the joined stream against its line) in one pass and names each
/// missing, short or damaged part.
/// </summary>
public sealed partial class PartSet
{
    /// <summary>The largest <c>NAME.sha256</c> read (it holds one short line per part).</summary>
    public const int MaxChecksumFileSize = 1024 * 1024;

    private PartSet(string name, IReadOnlyList<Part> parts, IReadOnlyList<int> missing)
    {
        Name = name;
        Parts = parts;
        Missing = missing;
        Length = parts.Sum(p => p.Size);
    }

    /// <summary>One part on disk: its number, path, where it starts in the joined stream and its size.</summary>
    public sealed record Part(int Number, string Path, long Offset, long Size)
    {
        public string FileName => System.IO.Path.GetFileName(Path);
    }

    /// <summary>The joined archive's path (<c>NAME</c>); it need not exist.</summary>
    public string Name { get; }

    /// <summary>The parts present, in order.</summary>
    public IReadOnlyList<Part> Parts { get; }

    /// <summary>Numbers of parts that should be there (below the highest part, or listed in <c>NAME.sha256</c>) but are not.</summary>
    public IReadOnlyList<int> Missing { get; }

    public long Length { get; }

    public string ChecksumPath => SplitOutput.ChecksumPath(Name);

    /// <summary>
    /// Recognises a split archive: <paramref name="path"/> is <c>NAME.001</c> (any part), <c>NAME.sha256</c> beside a
    /// part, or <c>NAME</c> when it does not exist but <c>NAME.001</c> or <c>NAME.sha256</c> does. Null otherwise.
    /// </summary>
    public static PartSet? TryOpen(string path)
    {
        var full = Path.GetFullPath(path);
        string? name = null;
        if (PartSuffix().Match(full) is { Success: true } m)
        {
            var candidate = full[..^m.Length];
            if (File.Exists(full) || File.Exists(SplitOutput.ChecksumPath(candidate))) name = candidate;
        }
        else if (full.EndsWith(".sha256", StringComparison.Ordinal) && File.Exists(full))
        {
            var candidate = full[..^".sha256".Length];
            if (!File.Exists(candidate) || File.Exists(SplitOutput.PartPath(candidate, 1))) name = candidate;
        }
        else if (!File.Exists(full) && !Directory.Exists(full)
                 && (File.Exists(SplitOutput.PartPath(full, 1)) || File.Exists(SplitOutput.ChecksumPath(full))))
            name = full;
        return name is null ? null : Open(name);
    }

    /// <summary>Lists the parts of <paramref name="name"/> found on disk and those that are missing.</summary>
    public static PartSet Open(string name)
    {
        var directory = Path.GetDirectoryName(name)!;
        var baseName = Path.GetFileName(name);
        var present = new SortedDictionary<int, string>();
        if (Directory.Exists(directory))
            foreach (var file in Directory.EnumerateFiles(directory, baseName + ".*"))
            {
                var suffix = Path.GetFileName(file)[baseName.Length..];
                if (suffix.Length == 4 && suffix[0] == '.' && suffix[1..].All(char.IsAsciiDigit)
                    && int.Parse(suffix[1..], CultureInfo.InvariantCulture) is > 0 and var number)
                    present[number] = file;
            }
        var listed = ReadListedNumbers(name);
        var highest = Math.Max(present.Keys.DefaultIfEmpty(0).Max(), listed.DefaultIfEmpty(0).Max());
        var parts = new List<Part>();
        var missing = new List<int>();
        long offset = 0;
        for (var n = 1; n <= highest; n++)
        {
            if (!present.TryGetValue(n, out var file)) { missing.Add(n); continue; }
            var size = new FileInfo(file).Length;
            parts.Add(new Part(n, file, offset, size));
            offset += size;
        }
        return new PartSet(name, parts, missing);
    }

    /// <summary>A seekable read-only stream over the parts present, in order.</summary>
    public Stream OpenRead() => new JoinedStream(Parts, Length);

    /// <summary>
    /// Checks the set: <c>NAME.sha256</c> is there and well-formed, every part it lists is present, has the size a
    /// split part has, and hashes to its line; the joined stream hashes to the line for <c>NAME</c>. Reads every part
    /// once. Returns the problems, each naming the part it concerns.
    /// </summary>
    public async Task<IReadOnlyList<string>> CheckAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var n in Missing)
            problems.Add($"{SplitOutput.PartPath(Name, n)}: missing (part {n} of {Parts.Count + Missing.Count})");

        var sums = ReadChecksums(problems);
        var isLast = Parts.Count + Missing.Count;
        var partSize = Parts.Where(p => p.Number != isLast).Select(p => p.Size).DefaultIfEmpty(Parts.FirstOrDefault()?.Size ?? 0).Max();
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var part in Parts)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = Content.SafeFile.OpenRead(part.Path, 1, FileOptions.SequentialScan))
            {
                int read;
                while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    whole.AppendData(buffer, 0, read);
                }
            }
            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            var shortBy = SizeProblem(part, partSize, isLast);
            if (sums is null)
            {
                if (shortBy is not null) problems.Add($"{part.Path}: {shortBy}");
                continue;
            }
            if (!sums.TryGetValue(part.FileName, out var expected))
            {
                problems.Add($"{part.Path}: not listed in {Path.GetFileName(ChecksumPath)}");
                continue;
            }
            if (shortBy is not null) problems.Add($"{part.Path}: {shortBy}; its sha256 is {actual}, {Path.GetFileName(ChecksumPath)} says {expected}");
            else if (actual != expected)
                problems.Add($"{part.Path}: damaged: its sha256 is {actual}, {Path.GetFileName(ChecksumPath)} says {expected}");
        }
        var joined = Convert.ToHexStringLower(whole.GetHashAndReset());
        if (sums is not null && Missing.Count == 0)
        {
            if (!sums.TryGetValue(Path.GetFileName(Name), out var expected))
                problems.Add($"{ChecksumPath}: has no line for the joined archive {Path.GetFileName(Name)}");
            else if (joined != expected && problems.Count == 0)
                problems.Add($"{Name}: the joined parts hash to {joined}, {Path.GetFileName(ChecksumPath)} says {expected}");
        }
        return problems;
    }

    /// <summary>
    /// What can be told without reading the parts: a missing part, a part shorter (or a last part longer) than the
    /// others, <c>NAME.sha256</c> missing, malformed or not listing a part or the joined archive. For commands that
    /// hash every blob they move anyway (push, copy to a registry), so the parts are not read twice.
    /// </summary>
    public IReadOnlyList<string> CheckShape()
    {
        var problems = new List<string>();
        foreach (var n in Missing)
            problems.Add($"{SplitOutput.PartPath(Name, n)}: missing (part {n} of {Parts.Count + Missing.Count})");
        var sums = ReadChecksums(problems);
        var isLast = Parts.Count + Missing.Count;
        var partSize = Parts.Where(p => p.Number != isLast).Select(p => p.Size).DefaultIfEmpty(Parts.FirstOrDefault()?.Size ?? 0).Max();
        foreach (var part in Parts)
        {
            if (SizeProblem(part, partSize, isLast) is { } size) problems.Add($"{part.Path}: {size}");
            if (sums is not null && !sums.ContainsKey(part.FileName)) problems.Add($"{part.Path}: not listed in {Path.GetFileName(ChecksumPath)}");
        }
        if (sums is not null && Missing.Count == 0 && !sums.ContainsKey(Path.GetFileName(Name)))
            problems.Add($"{ChecksumPath}: has no line for the joined archive {Path.GetFileName(Name)}");
        return problems;
    }

    /// <summary>A part before the last that is shorter than the others, or a last part longer than them; null when its size fits.</summary>
    private string? SizeProblem(Part part, long partSize, int last)
    {
        if (part.Number != last && part.Size < partSize) return $"short ({part.Size} bytes; the parts before the last have {partSize})";
        if (part.Number == last && part.Size > partSize && Parts.Count > 1) return $"longer ({part.Size} bytes) than the other parts ({partSize})";
        return null;
    }

    /// <summary>The lines of <c>NAME.sha256</c> by file name; null (and a problem) when it is missing or malformed.</summary>
    private Dictionary<string, string>? ReadChecksums(List<string> problems)
    {
        if (!File.Exists(ChecksumPath))
        {
            problems.Add($"{ChecksumPath}: missing; the parts cannot be checked");
            return null;
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = ReadLines(ChecksumPath, out var error);
        if (error is not null)
        {
            problems.Add($"{ChecksumPath}: {error}");
            return null;
        }
        var allowed = Path.GetFileName(Name);
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Length == 0) continue;
            var m = ChecksumLine().Match(lines[i]);
            if (!m.Success)
            {
                problems.Add($"{ChecksumPath}: line {i + 1} is not '<sha256 hex>  <file>'");
                continue;
            }
            var file = m.Groups[2].Value;
            var isPart = file.Length == allowed.Length + 4 && file.StartsWith(allowed + ".", StringComparison.Ordinal) && file[^3..].All(char.IsAsciiDigit);
            if (file != allowed && !isPart)
            {
                problems.Add($"{ChecksumPath}: line {i + 1} names '{file}', which is not a part of {allowed}");
                continue;
            }
            if (!result.TryAdd(file, m.Groups[1].Value.ToLowerInvariant()))
                problems.Add($"{ChecksumPath}: lists '{file}' more than once");
        }
        return result;
    }

    private static List<int> ReadListedNumbers(string name)
    {
        var path = SplitOutput.ChecksumPath(name);
        if (!File.Exists(path)) return [];
        var baseName = Path.GetFileName(name);
        var numbers = new List<int>();
        foreach (var line in ReadLines(path, out _))
        {
            var m = ChecksumLine().Match(line);
            if (!m.Success) continue;
            var file = m.Groups[2].Value;
            if (file.Length == baseName.Length + 4 && file.StartsWith(baseName + ".", StringComparison.Ordinal)
                && int.TryParse(file[^3..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
                numbers.Add(n);
        }
        return numbers;
    }

    private static List<string> ReadLines(string path, out string? error)
    {
        error = null;
        try
        {
            using var file = Content.SafeFile.OpenRead(path, 4096, FileOptions.None);
            if (file.Length > MaxChecksumFileSize)
            {
                error = $"{file.Length} bytes, more than the limit of {MaxChecksumFileSize}";
                return [];
            }
            using var reader = new StreamReader(file, new UTF8Encoding(false, throwOnInvalidBytes: true));
            return reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        }
        catch (DecoderFallbackException)
        {
            error = "not UTF-8 text";
            return [];
        }
    }

    [GeneratedRegex(@"\.[0-9]{3}$")]
    private static partial Regex PartSuffix();

    [GeneratedRegex(@"^([0-9a-fA-F]{64}) [ *]([^/\\]+)$")]
    private static partial Regex ChecksumLine();

    /// <summary>Reads the parts as one stream; seeking moves between parts.</summary>
    private sealed class JoinedStream(IReadOnlyList<Part> parts, long length) : Stream
    {
        private long _position;
        private FileStream? _open;
        private int _openIndex = -1;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => _position;
            set
            {
                ArgumentOutOfRangeException.ThrowIfNegative(value);
                _position = value;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!Locate(out var file, out var available)) return 0;
            var read = file.Read(buffer[..(int)Math.Min(buffer.Length, available)]);
            _position += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!Locate(out var file, out var available)) return 0;
            var read = await file.ReadAsync(buffer[..(int)Math.Min(buffer.Length, available)], cancellationToken).ConfigureAwait(false);
            _position += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        /// <summary>Opens the part holding the position, positioned there; false at the end.</summary>
        private bool Locate(out FileStream file, out long available)
        {
            file = null!;
            available = 0;
            if (_position >= length) return false;
            var index = IndexOf(_position);
            var part = parts[index];
            if (_openIndex != index)
            {
                _open?.Dispose();
                _open = Content.SafeFile.OpenRead(part.Path, 1 << 16, FileOptions.SequentialScan);
                _openIndex = index;
            }
            var inPart = _position - part.Offset;
            if (_open!.Position != inPart) _open.Position = inPart;
            file = _open;
            available = part.Size - inPart;
            return true;
        }

        private int IndexOf(long position)
        {
            int lo = 0, hi = parts.Count - 1;
            while (lo < hi)
            {
                var mid = (lo + hi + 1) / 2;
                if (parts[mid].Offset <= position) lo = mid; else hi = mid - 1;
            }
            while (lo < parts.Count - 1 && parts[lo].Size == 0) lo++;
            return lo;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                SeekOrigin.End => length + offset,
                _ => throw new ArgumentOutOfRangeException(nameof(origin)),
            };
            return _position;
        }

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _open?.Dispose();
            base.Dispose(disposing);
        }
    }
}
