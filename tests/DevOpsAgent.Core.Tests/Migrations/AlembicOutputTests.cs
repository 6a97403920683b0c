using DevOpsAgent.Core.Migrations;

namespace DevOpsAgent.Core.Tests.Migrations;

public sealed class AlembicOutputTests
{
    [Fact]
    public void History_keeps_a_revision_whose_file_has_no_docstring() =>
        Assert.Equal(
            [("0004", "0003", ""), ("0003", "0002", "add items.category_id"), ("0001", "", "create items")],
            AlembicOutput.History("0003 -> 0004 (head), \n0002 -> 0003, add items.category_id\n<base> -> 0001, create items\n")
                .Select(r => (r.Id, string.Join(",", r.DownRevisions), r.Message)));
}
