using DevOpsAgent.Core.Dotenv;

namespace DevOpsAgent.Core.Tests.Dotenv;

public sealed class DotenvParserTests
{
    private const string Canary = "canary-7f3a9c-secret";

    [Fact]
    public void Each_entry_knows_the_line_it_starts_on()
    {
        var file = DotenvParser.Parse("# header\nA=1\nB=\"two\nlines\"\n\nexport C=3\n", ".env");

        Assert.Equal([("A", 2), ("B", 3), ("C", 6)], file.Entries.Select(e => (e.Key, e.Line)));
        Assert.Equal("two\nlines", file.Find("B")!.Value);
    }

    [Fact]
    public void An_unterminated_quote_names_the_file_and_line_but_not_the_value()
    {
        var error = Assert.Throws<DotenvException>(() => DotenvParser.Parse($"OK=1\nSECRET_KEY=\"{Canary}\n", "app/.env"));

        Assert.Equal("app/.env: line 3: unterminated quoted value", error.Message);
        Assert.Equal(3, error.Line);
        Assert.DoesNotContain(Canary, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_key_is_quoted_up_to_the_equals_sign_only()
    {
        var error = Assert.Throws<DotenvException>(() => DotenvParser.Parse($"API KEY!={Canary}", ".env"));

        Assert.DoesNotContain(Canary, error.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected character \"!\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_template_in_a_value_is_reported_without_the_value()
    {
        var error = Assert.Throws<DotenvException>(() => DotenvParser.Parse($"TOKEN=\"{Canary}${{\"", ".env"));

        Assert.Equal(".env: line 1: invalid interpolation format", error.Message);
    }

    [Fact]
    public void Printing_an_entry_leaves_its_value_out()
    {
        var entry = DotenvParser.Parse($"SECRET_KEY={Canary}", ".env").Entries.Single();

        Assert.DoesNotContain(Canary, entry.ToString(), StringComparison.Ordinal);
    }
}
