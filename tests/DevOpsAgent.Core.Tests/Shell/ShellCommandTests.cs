using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Tests.Shell;

public sealed class ShellCommandTests
{
    [Fact]
    public void Plain_words_stay_bare() =>
        Assert.Equal("git -C /var/www/shop fetch origin", ShellCommand.Of("git", "-C", "/var/www/shop", "fetch", "origin").Text);

    [Theory]
    [InlineData("", "''")]
    [InlineData("two words", "'two words'")]
    [InlineData("v1;rm -rf /", "'v1;rm -rf /'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(reboot)", "'$(reboot)'")]
    [InlineData("`id`", "'`id`'")]
    [InlineData("a\nb", "'a\nb'")]
    public void Anything_a_shell_treats_specially_is_single_quoted(string word, string quoted) =>
        Assert.Equal(quoted, ShellQuoting.Quote(word));

    [Fact]
    public void Commands_combine_with_and_or_and_pipes() =>
        Assert.Equal(
            "cd /srv && test -f a || touch a | cat",
            ShellCommand.Of("test", "-f", "a").Or(ShellCommand.Of("touch", "a")).Pipe(ShellCommand.Of("cat")).InDirectory("/srv").Text);

    [Fact]
    public void A_failed_command_never_quotes_a_secret_from_its_output()
    {
        const string Canary = "canary-51e0b2";
        var result = new DevOpsAgent.Core.Execution.CommandResult(ShellCommand.Of("alembic", "upgrade", "head"), 1, "",
            $"connecting to postgresql://shop:{Canary}@db/shop\nDATABASE_PASSWORD={Canary} rejected\n", TimeSpan.Zero);

        var error = Assert.Throws<DevOpsAgent.Core.Execution.CommandFailedException>(() => result.EnsureSuccess("deploy@staging:22"));

        Assert.DoesNotContain(Canary, error.Message, StringComparison.Ordinal);
        Assert.Equal("`alembic upgrade head` failed on deploy@staging:22 with exit code 1: connecting to postgresql://shop:***@db/shop | DATABASE_PASSWORD=*** rejected", error.Message);
    }

    [Fact]
    public void Environment_values_are_quoted_and_names_validated()
    {
        var command = ShellCommand.Of("env").WithEnvironment([new("MODE", "a b")]);
        Assert.Equal("MODE='a b' env", command.Text);
        Assert.Throws<ArgumentException>(() => ShellCommand.Of("env").WithEnvironment([new("X;rm", "1")]));
    }

    [Fact]
    public void A_detached_command_runs_whole_in_the_background_with_no_stream_left_to_the_session()
    {
        // The cd goes inside: `cd x && a >/dev/null &` would background a subshell that keeps the session's output.
        var command = ShellCommand.Raw("sleep 300; docker stop it").InDirectory("/var/www/my shop").Detached();

        Assert.Equal("nohup sh -c 'cd '\\''/var/www/my shop'\\'' && sleep 300; docker stop it' </dev/null >/dev/null 2>&1 &", command.Text);
    }
}
