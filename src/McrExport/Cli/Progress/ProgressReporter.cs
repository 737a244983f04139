using McrExport.Content;
using McrExport.Http;
using McrExport.Model;
using McrExport.Push;
using McrExport.Resolve;
using McrExport.Transfer;
using McrExport.Verify;

namespace McrExport.Cli.Progress;

/// <summary>
/// Shows what a long command (export, push, verify) is doing on standard error, the same way for all of them: live
/// bars per blob and a total on a terminal, plain lines in logs and pipes, nothing with <c>--quiet</c> or
/// <c>--json</c>. Retries are shown as they are decided ("retrying in 4 s (2/5): …"). Standard output is never
/// touched (it may carry the tar or a JSON document).
/// </summary>
public abstract class ProgressReporter : ITransferObserver, IPushObserver, IVerifyObserver
{
    private int _maxRetries = 5;

    public static ProgressReporter Create(CliConsole console, bool quiet, bool json, bool perBlobLines = true) =>
        quiet || json ? new QuietProgressReporter()
        : console.ErrorIsTerminal ? new LiveProgressReporter(console)
        : new PlainProgressReporter(console.Error, TimeSpan.FromSeconds(5), perBlobLines);

    /// <summary>Runs the work while the progress is shown.</summary>
    public abstract Task<T> RunAsync<T>(Func<Task<T>> work);

    /// <summary>A line of its own (an image resolved, a manifest pushed, an upload starting over).</summary>
    public abstract void Line(string text);

    /// <summary>Shows the retries of <paramref name="policy"/> (requests to a registry: manifests, tags, uploads).</summary>
    public void Watch(RetryPolicy policy)
    {
        _maxRetries = policy.MaxRetries;
        policy.Notices.Retrying += notice => Retry(null, RetryText.Of(notice.Delay, notice.Attempt, notice.MaxRetries, notice.Reason));
    }

    public virtual void Resolved(ResolvedImage image) =>
        Line($"resolved  {image.Image.DisplayName} → {image.Image.ManifestDescriptor.Digest} ({image.Image.Image?.Platform.ToString() ?? image.Image.ManifestDescriptor.Platform?.ToString()})");

    /// <summary>An item (a blob) begins: <paramref name="size"/> bytes to move in this run, after <paramref name="already"/> bytes already there.</summary>
    protected abstract void Begin(string key, string label, long size, long already);

    protected abstract void Advance(string key, long bytes);

    /// <summary>A retry of an item (or of a registry request when <paramref name="key"/> is null).</summary>
    protected abstract void Retry(string? key, string text);

    protected abstract void End(string key, string label, string outcome, long size, bool moved);

    // export: the transfer engine
    void ITransferObserver.Started(Descriptor blob, string source, long resumeOffset) =>
        Begin(blob.Digest.ToString(), $"{blob.Digest.Short} {source}", blob.Size - resumeOffset, resumeOffset);

    void ITransferObserver.Progress(Descriptor blob, long bytes) => Advance(blob.Digest.ToString(), bytes);

    void ITransferObserver.Retrying(Descriptor blob, string source, string reason, int attempt, TimeSpan delay) =>
        Retry(blob.Digest.ToString(), RetryText.Of(delay, attempt, _maxRetries, $"{blob.Digest.Short} from {source}: {reason}"));

    void ITransferObserver.Completed(Descriptor blob, bool fromCache) =>
        End(blob.Digest.ToString(), blob.Digest.Short, fromCache ? "cached" : "done", blob.Size, moved: !fromCache);

    // push
    void IPushObserver.Started(Descriptor blob, string repository) =>
        Begin(blob.Digest.ToString() + " " + repository, $"{blob.Digest.Short} → {repository}", blob.Size, 0);

    void IPushObserver.Resumed(Descriptor blob, string repository, long offset) =>
        Resume(blob.Digest.ToString() + " " + repository, offset);

    void IPushObserver.Progress(Descriptor blob, long bytes)
    {
        // the key is per repository, but one blob is uploaded to one repository at a time
        AdvanceAny(blob.Digest.ToString(), bytes);
    }

    void IPushObserver.Completed(Descriptor blob, string repository, BlobAction action) =>
        End(blob.Digest.ToString() + " " + repository, $"{blob.Digest.Short} → {repository}", action switch
        {
            BlobAction.UploadedMonolithic or BlobAction.UploadedChunked => "uploaded",
            BlobAction.Mounted => "mounted",
            BlobAction.LeftForeign => "left foreign",
            _ => "already there",
        }, blob.Size, moved: action is BlobAction.UploadedMonolithic or BlobAction.UploadedChunked);

    // verify
    void IVerifyObserver.Started(string name, long size) => Begin(name, Short(name), size, 0);

    void IVerifyObserver.Progress(string name, long bytes) => Advance(name, bytes);

    void IVerifyObserver.Completed(string name) => End(name, Short(name), "checked", 0, moved: true);

    /// <summary>An item began with <paramref name="already"/> of its bytes already where they go: they are not moved in this run.</summary>
    protected abstract void Resume(string key, long already);

    /// <summary>Advances the item whose key starts with <paramref name="prefix"/> (push keys add the repository).</summary>
    protected abstract void AdvanceAny(string prefix, long bytes);

    private static string Short(string name)
    {
        var slash = name.LastIndexOf('/');
        var file = slash < 0 ? name : name[(slash + 1)..];
        return file.Length > 12 ? file[..12] : file;
    }

    protected static string Size(long bytes) => DiskErrors.FormatSize(bytes);
}

/// <summary>Reports nothing.</summary>
public sealed class QuietProgressReporter : ProgressReporter
{
    public override Task<T> RunAsync<T>(Func<Task<T>> work) => work();
    public override void Line(string text) { }
    public override void Resolved(ResolvedImage image) { }
    protected override void Begin(string key, string label, long size, long already) { }
    protected override void Advance(string key, long bytes) { }
    protected override void AdvanceAny(string prefix, long bytes) { }
    protected override void Resume(string key, long already) { }
    protected override void Retry(string? key, string text) { }
    protected override void End(string key, string label, string outcome, long size, bool moved) { }
}
