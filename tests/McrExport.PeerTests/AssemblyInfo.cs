using Xunit;

[assembly: AssemblyFixture(typeof(McrExport.PeerTests.Peers.Peers))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]
