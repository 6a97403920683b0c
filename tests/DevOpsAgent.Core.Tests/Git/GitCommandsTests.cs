using DevOpsAgent.Core.Git;

namespace DevOpsAgent.Core.Tests.Git;

public sealed class GitCommandsTests
{
    private readonly GitCommands _git = new("/var/www/shop");

    [Fact]
    public void Ensure_repository_initialises_in_place_and_points_origin_at_the_repository() =>
        Assert.Equal(
            "mkdir -p /var/www/shop && test -d /var/www/shop/.git || git -C /var/www/shop init -q"
            + " && git -C /var/www/shop remote set-url origin /srv/git/shop.git || git -C /var/www/shop remote add origin /srv/git/shop.git",
            _git.EnsureRepository("/srv/git/shop.git").Text);

    [Fact]
    public void Fetch_takes_tags_and_prunes() =>
        Assert.Equal("git -C /var/www/shop fetch --quiet --prune --tags --force origin", _git.Fetch().Text);

    [Fact]
    public void Resolve_tries_the_remote_branch_then_the_tag_then_a_commit() =>
        Assert.Equal(
            "git -C /var/www/shop rev-parse --verify --quiet 'refs/remotes/origin/staging^{commit}'"
            + " || git -C /var/www/shop rev-parse --verify --quiet 'refs/tags/staging^{commit}'"
            + " || git -C /var/www/shop rev-parse --verify --quiet 'staging^{commit}'",
            _git.Resolve(GitRef.Parse("staging")).Text);

    [Fact]
    public void Checkout_detaches_at_the_exact_commit() =>
        Assert.Equal("git -C /var/www/shop checkout --quiet --force --detach 0123abcd", _git.Checkout("0123abcd").Text);
}
