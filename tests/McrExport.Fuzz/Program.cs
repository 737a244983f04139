using McrExport.Fuzz;
using SharpFuzz;

// mcr-export-fuzz TARGET                 run TARGET under afl-fuzz (tests/fuzz.sh starts it so)
// mcr-export-fuzz TARGET --replay PATH…  run TARGET on files or folders of inputs, in process; exit 1 on a finding
// mcr-export-fuzz --write-seeds DIR      write the generated seeds (those that hold digests) to DIR/<target>/
if (args.Length == 2 && args[0] == "--write-seeds")
{
    Seeds.Write(args[1]);
    return 0;
}
if (args.Length == 0 || !Targets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: McrExport.Fuzz TARGET [--replay [--verbose] PATH...] | --write-seeds DIR; targets: {string.Join(", ", Targets.All.Keys)}");
    return 2;
}
if (args.Length >= 2 && args[1] == "--replay") return Replay.Run(target, args[2..]);

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.ToArray());
});
return 0;
