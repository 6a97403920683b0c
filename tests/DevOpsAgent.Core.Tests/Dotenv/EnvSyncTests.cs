using System.Text;
using DevOpsAgent.Core.Dotenv;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;

namespace DevOpsAgent.Core.Tests.Dotenv;

public sealed class EnvSyncTests
{
    private const string Canary = "canary-Hq7wX2pLr9Ts4Vb1";

    [Fact]
    public void A_diff_names_added_changed_and_removed_keys_and_never_a_value()
    {
        var local = DotenvParser.Parse($"A=1\nSECRET_KEY={Canary}\nNEW=x\n", ".env");
        var remote = DotenvParser.Parse("A=1\nSECRET_KEY=old\nGONE=y\n", "server/.env");

        var diff = DotenvDiff.Compare(local, remote);

        Assert.Equal("+NEW ~SECRET_KEY -GONE", Describe(diff));
        Assert.Equal(["+ NEW", "~ SECRET_KEY", "- GONE"], diff.Lines());
        Assert.DoesNotContain(Canary, diff.ToString() + string.Join("", diff.Lines()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_push_keeps_the_previous_file_then_replaces_the_dotenv()
    {
        var store = new MemoryStore { ["/srv/app/.env"] = "A=1\nSECRET_KEY=old\n" };
        var content = $"A=1\nSECRET_KEY={Canary}\n";

        var result = await new EnvSync(store, "/srv/app/").PushAsync(DotenvParser.Parse(content, ".env"), Encoding.UTF8.GetBytes(content), dryRun: false, CancellationToken.None);

        Assert.Equal(["write /srv/app/.env.previous", "write /srv/app/.env"], store.Operations.Where(o => o.StartsWith("write", StringComparison.Ordinal)));
        Assert.Equal("A=1\nSECRET_KEY=old\n", store["/srv/app/.env.previous"]);
        Assert.Equal(content, store["/srv/app/.env"]);
        Assert.Equal((true, "/srv/app/.env.previous", "~SECRET_KEY"), (result.Uploaded, result.PreviousPath, Describe(result.Diff)));
        Assert.DoesNotContain(Canary, result.ToString() + string.Join("", store.Operations), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_and_an_identical_file_upload_nothing()
    {
        var store = new MemoryStore { ["/srv/app/.env"] = "A=1\n" };
        var sync = new EnvSync(store, "/srv/app");

        var dryRun = await sync.PushAsync(DotenvParser.Parse("A=2\n", ".env"), "A=2\n"u8.ToArray(), dryRun: true, CancellationToken.None);
        var same = await sync.PushAsync(DotenvParser.Parse("A=1\n", ".env"), "A=1\n"u8.ToArray(), dryRun: false, CancellationToken.None);

        Assert.Equal((false, "~A"), (dryRun.Uploaded, Describe(dryRun.Diff)));
        Assert.True(same.UpToDate);
        Assert.DoesNotContain(store.Operations, o => o.StartsWith("write", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_first_push_creates_the_dotenv_with_no_previous_file()
    {
        var store = new MemoryStore();

        var result = await new EnvSync(store, "/srv/app").PushAsync(DotenvParser.Parse("A=1\n", ".env"), "A=1\n"u8.ToArray(), dryRun: false, CancellationToken.None);

        Assert.Equal((true, false, null, "+A"), (result.Uploaded, result.RemoteExisted, result.PreviousPath, Describe(result.Diff)));
        Assert.Equal(["read /srv/app/.env", "write /srv/app/.env"], store.Operations);
    }

    [Fact]
    public async Task A_malformed_server_file_fails_a_diff_by_line_but_is_repaired_by_a_push()
    {
        var store = new MemoryStore { ["/srv/app/.env"] = $"A=1\nB=\"{Canary}\n" };
        var sync = new EnvSync(store, "/srv/app");
        var local = DotenvParser.Parse("A=1\n", ".env");

        var error = await Assert.ThrowsAsync<DotenvException>(() => sync.DiffAsync(local, CancellationToken.None));
        var pushed = await sync.PushAsync(local, "A=1\n"u8.ToArray(), dryRun: false, CancellationToken.None);

        Assert.Equal("memory:/srv/app/.env: line 3: unterminated quoted value", error.Message);
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
        Assert.True(pushed.Uploaded);
        Assert.Equal("A=1\n", store["/srv/app/.env"]);
        Assert.DoesNotContain(Canary, error.Message + pushed.RemoteProblem, StringComparison.Ordinal);
    }

    /// <summary><c>+NEW ~CHANGED -GONE</c>.</summary>
    private static string Describe(DotenvDiff diff) => string.Join(" ", diff.Lines().Select(line => line.Replace(" ", "", StringComparison.Ordinal)));

    /// <summary>Files in memory; records each operation by path.</summary>
    private sealed class MemoryStore : ISecretFileStore
    {
        private readonly Dictionary<string, byte[]> _files = [];

        public List<string> Operations { get; } = [];

        public string Target => "memory";

        public string this[string path]
        {
            get => Encoding.UTF8.GetString(_files[path]);
            init => _files[path] = Encoding.UTF8.GetBytes(value);
        }

        public Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken)
        {
            Operations.Add($"read {path}");
            return Task.FromResult(_files.TryGetValue(path, out var content) ? content : null);
        }

        public Task WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        {
            Operations.Add($"write {path}");
            _files[path] = content.ToArray();
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
