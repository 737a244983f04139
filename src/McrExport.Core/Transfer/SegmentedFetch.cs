using System.Net;
using System.Security.Cryptography;
using McrExport.Content;
using McrExport.Errors;
using McrExport.Http;
using McrExport.Model;
using McrExport.Planning;
using Microsoft.Win32.SafeHandles;

namespace McrExport.Transfer;

/// <summary>
/// Fetches one big blob from one source over several connections: the missing bytes are cut into pieces, each asked
/// for with a bounded Range and written at its offset in the partial file; up to <see cref="TransferOptions.Connections"/>
/// pieces are in flight (connections beyond the first are taken from the run's shared <see cref="ConnectionGate"/>).
/// A dropped piece resumes from its last byte on its own, with the one <see cref="RetryPolicy"/>. The digest is
/// computed in order while the contiguous prefix grows (reading back freshly written bytes, not a second pass), and
/// which ranges are done is recorded in a <see cref="SegmentRecord"/> several times a second, so a killed run resumes
/// each piece where it stood. The first piece is asked for alone: a server that answers it with 200 (no Range
/// support) gets its answer used as one stream by the caller.
/// </summary>
internal sealed class SegmentedFetch(
    Descriptor descriptor,
    BlobSource source,
    string partialPath,
    HttpTransport transport,
    TransferOptions options,
    ITransferObserver observer,
    ConnectionGate gate)
{
    private const int BufferSize = 1 << 20;
    private static readonly TimeSpan RecordInterval = TimeSpan.FromMilliseconds(250);

    private readonly RangeOpener _opener = new(descriptor, source, transport);
    private long _fetched;

    /// <summary>The outcome: the blob is complete and verified, or the caller goes on with one stream.</summary>
    public sealed record Outcome(long Fetched, bool Complete, HttpResponseMessage? WholeBody);

    public async Task<Outcome> RunAsync(CancellationToken cancellationToken)
    {
        var size = descriptor.Size;
        var done = StartingPoint();
        var missing = ByteSpan.Missing(done, size);
        var pieces = ByteSpan.Split(missing, PieceSize(size, options.Connections));
        var progress = new SegmentProgress(done, pieces);

        Directory.CreateDirectory(Path.GetDirectoryName(partialPath)!);
        using var file = File.OpenHandle(partialPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, FileOptions.Asynchronous);

        HttpResponseMessage? first = null;
        if (pieces.Count > 0)
        {
            first = await ProbeAsync(pieces[0], cancellationToken).ConfigureAwait(false);
            if (!IsRangeAnswer(first, pieces[0].Start, pieces[0].End - 1, size))
            {
                // No Range support (200) or a range other than asked: one stream from the start.
                SegmentRecord.Delete(partialPath);
                RandomAccess.SetLength(file, 0);
                observer.Restarted(descriptor);
                if (first.StatusCode == HttpStatusCode.OK) return new Outcome(0, Complete: false, first);
                first.Dispose();
                return new Outcome(0, Complete: false, null);
            }
        }
        observer.Started(descriptor, source.Describe(), done.Sum(s => s.Length));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var hashing = HashAsync(file, progress, stop.Token);
        var recording = RecordAsync(progress, stop.Token);
        var next = pieces.Count > 0 ? 1 : 0;
        int NextPiece() => Interlocked.Increment(ref next) - 1;

        var workers = new List<Task>();
        if (pieces.Count > 0) workers.Add(WorkAsync(file, progress, first, NextPiece, useGate: false, stop));
        for (var i = 1; i < Math.Min(options.Connections, pieces.Count); i++)
            workers.Add(WorkAsync(file, progress, null, NextPiece, useGate: true, stop));

        try
        {
            try
            {
                await Task.WhenAll(workers).ConfigureAwait(false);
            }
            catch
            {
                stop.Cancel();
                var failure = workers.Where(w => w.IsFaulted).Select(w => w.Exception!.GetBaseException())
                    .FirstOrDefault(e => e is not OperationCanceledException);
                if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                throw;
            }
            var hash = await hashing.ConfigureAwait(false);
            var actual = Digest.FromHash(descriptor.Digest.Algorithm, hash);
            if (actual != descriptor.Digest)
                throw new DigestMismatchException($"blob {descriptor.Digest} from {source.Describe()} hashes to {actual}");
            return new Outcome(_fetched, Complete: true, null);
        }
        finally
        {
            stop.Cancel();
            await Quietly(recording).ConfigureAwait(false);
            await Quietly(hashing).ConfigureAwait(false);
            if (progress.Done() is var finalDone && ByteSpan.Prefix(finalDone) < size)
                new SegmentRecord(descriptor.Digest, size, finalDone).Save(partialPath);
        }
    }

    /// <summary>Pieces of a sixteenth of the blob per connection quartet: small enough to balance uneven connections,
    /// large enough that request overhead does not matter; 8 to 64 MiB.</summary>
    internal static long PieceSize(long size, int connections) =>
        Math.Clamp(size / (Math.Max(1, connections) * 4), 8L << 20, 64L << 20);

    /// <summary>The spans already in the partial file: from its record, or (no record) the prefix a single stream wrote.</summary>
    private IReadOnlyList<ByteSpan> StartingPoint()
    {
        var length = File.Exists(partialPath) ? new FileInfo(partialPath).Length : 0;
        if (SegmentRecord.Exists(partialPath))
        {
            if (SegmentRecord.Load(partialPath, descriptor.Digest, descriptor.Size) is { } record) return ByteSpan.Merge(record.Done);
            SegmentRecord.Delete(partialPath);
            BlobStore.TryDelete(partialPath);
            observer.Restarted(descriptor);
            return [];
        }
        if (length > descriptor.Size)
        {
            BlobStore.TryDelete(partialPath);
            observer.Restarted(descriptor);
            return [];
        }
        return length > 0 ? [new ByteSpan(0, length)] : [];
    }

    private async Task WorkAsync(SafeFileHandle file, SegmentProgress progress, HttpResponseMessage? opened, Func<int> nextPiece,
        bool useGate, CancellationTokenSource stop)
    {
        var cancellationToken = stop.Token;
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                if (useGate) await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var index = opened is not null ? 0 : nextPiece();
                    if (index >= progress.Pieces.Count) return;
                    await FetchPieceAsync(file, progress, index, opened, buffer, cancellationToken).ConfigureAwait(false);
                    opened = null;
                }
                finally
                {
                    if (useGate) gate.Release();
                }
            }
        }
        catch
        {
            opened?.Dispose();
            stop.Cancel();
            throw;
        }
    }

    private async Task FetchPieceAsync(SafeFileHandle file, SegmentProgress progress, int index, HttpResponseMessage? opened,
        byte[] buffer, CancellationToken cancellationToken)
    {
        var piece = progress.Pieces[index];
        var retry = options.RetryPolicy;
        var attempt = 0;
        var written = progress.WrittenOf(index);
        var writtenAtLastFailure = written;
        while (written < piece.Length)
        {
            try
            {
                var from = piece.Start + written;
                using var response = opened ?? await OpenPieceAsync(piece, written, cancellationToken).ConfigureAwait(false);
                opened = null;
                if (!IsRangeAnswer(response, from, piece.End - 1, descriptor.Size))
                    throw new RegistryException(
                        $"{response.RequestMessage?.RequestUri?.Authority} answered {(int)response.StatusCode} to a request for bytes {from}-{piece.End - 1} of blob {descriptor.Digest}, not those bytes");
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                while (written < piece.Length)
                {
                    var want = (int)Math.Min(buffer.Length, piece.Length - written);
                    var read = await TransientErrors.ReadAsync(body, buffer.AsMemory(0, want), options.Stall, response, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                        throw new TransientNetworkException(response.RequestMessage!.RequestUri!,
                            $"{response.RequestMessage!.RequestUri!.Authority} closed the connection after {Content.DiskErrors.FormatSize(written)} of the {Content.DiskErrors.FormatSize(piece.Length)} range {piece.Start}-{piece.End - 1}");
                    await WriteAsync(file, buffer.AsMemory(0, read), piece.Start + written, cancellationToken).ConfigureAwait(false);
                    written += read;
                    Interlocked.Add(ref _fetched, read);
                    progress.Wrote(index, written);
                    observer.Progress(descriptor, read);
                }
            }
            catch (Exception e) when (TransientErrors.IsTransient(e, cancellationToken))
            {
                if (written > writtenAtLastFailure) attempt = 0;
                writtenAtLastFailure = written;
                attempt++;
                var (reason, retryAfter, final) = TransientErrors.Describe(e);
                if (attempt > retry.MaxRetries) throw final(attempt);
                var delay = retry.DelayFor(attempt, retryAfter);
                observer.Retrying(descriptor, source.Describe(), reason, attempt, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Opens the first piece alone (its answer tells whether the server honours Range), with retries.</summary>
    private async Task<HttpResponseMessage> ProbeAsync(ByteSpan piece, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await OpenPieceAsync(piece, 0, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (TransientErrors.IsTransient(e, cancellationToken))
            {
                var (reason, retryAfter, final) = TransientErrors.Describe(e);
                if (attempt > options.RetryPolicy.MaxRetries) throw final(attempt);
                var delay = options.RetryPolicy.DelayFor(attempt, retryAfter);
                observer.Retrying(descriptor, source.Describe(), reason, attempt, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Task<HttpResponseMessage> OpenPieceAsync(ByteSpan piece, long written, CancellationToken cancellationToken) =>
        _opener.OpenAsync(piece.Start + written, piece.End - 1, cancellationToken);

    private static bool IsRangeAnswer(HttpResponseMessage response, long from, long to, long size) =>
        response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange is { } range
        && range.From == from && range.To == to && (range.Length is null || range.Length == size);

    private async Task<byte[]> HashAsync(SafeFileHandle file, SegmentProgress progress, CancellationToken cancellationToken)
    {
        using var hasher = descriptor.Digest.CreateHasher();
        var buffer = new byte[BufferSize];
        long hashed = 0, announced = 0;
        while (hashed < descriptor.Size)
        {
            var available = await progress.WaitBeyondAsync(hashed, cancellationToken).ConfigureAwait(false);
            while (hashed < available)
            {
                var want = (int)Math.Min(buffer.Length, available - hashed);
                var read = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, want), hashed, cancellationToken).ConfigureAwait(false);
                if (read == 0) throw new DigestMismatchException($"blob {descriptor.Digest}: the partial file ends at {hashed} bytes");
                hasher.AppendData(buffer, 0, read);
                hashed += read;
            }
            if (hashed - announced >= BlobDownloader.AnnounceEvery || hashed == descriptor.Size)
            {
                observer.Hashed(descriptor, partialPath, hashed);
                announced = hashed;
            }
        }
        return hasher.GetHashAndReset();
    }

    /// <summary>Writes the record whenever the progress changed, at most every <see cref="RecordInterval"/>.</summary>
    private async Task RecordAsync(SegmentProgress progress, CancellationToken cancellationToken)
    {
        long saved = -1;
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(RecordInterval, cancellationToken).ConfigureAwait(false);
            var version = progress.Version;
            if (version == saved) continue;
            new SegmentRecord(descriptor.Digest, descriptor.Size, progress.Done()).Save(partialPath);
            saved = version;
        }
    }

    private static async Task WriteAsync(SafeFileHandle file, ReadOnlyMemory<byte> bytes, long offset, CancellationToken cancellationToken)
    {
        try
        {
            await RandomAccess.WriteAsync(file, bytes, offset, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (DiskErrors.IsDiskFull(e))
        {
            throw DiskErrors.Full("the blob cache", bytes.Length, e);
        }
    }

    private static async Task Quietly(Task task)
    {
        try { await task.ConfigureAwait(false); }
        catch (Exception) { }
    }
}
