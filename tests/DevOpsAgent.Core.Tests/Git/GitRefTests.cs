using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Git;

namespace DevOpsAgent.Core.Tests.Git;

public sealed class GitRefTests
{
    [Theory]
    [InlineData("staging")]
    [InlineData("v1.2.0-broken")]
    [InlineData("feature/TASK-045")]
    [InlineData("0123abc")]
    [InlineData("release_2026.11")]
    public void Ordinary_branches_tags_and_commits_are_accepted(string name) =>
        Assert.Equal(name, GitRef.Parse(name).Name);

    [Theory]
    [InlineData("v1;rm -rf /")]
    [InlineData("$(reboot)")]
    [InlineData("`id`")]
    [InlineData("a|b")]
    [InlineData("a&&b")]
    [InlineData("-n")]
    [InlineData("a..b")]
    [InlineData("a b")]
    [InlineData("a\nb")]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("x.lock")]
    [InlineData("a//b")]
    [InlineData("HEAD@{1}")]
    [InlineData("a~1")]
    [InlineData("a^")]
    [InlineData("trailing/")]
    [InlineData("'quoted'")]
    public void Refs_with_shell_metacharacters_or_invalid_git_syntax_are_refused(string name)
    {
        var error = Assert.Throws<InvalidInputException>(() => GitRef.Parse(name));
        Assert.StartsWith("Invalid git ref", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_hex_name_is_recognised_as_a_commit_id()
    {
        Assert.True(GitRef.Parse("0123abcd").IsCommitId);
        Assert.False(GitRef.Parse("staging").IsCommitId);
    }
}
