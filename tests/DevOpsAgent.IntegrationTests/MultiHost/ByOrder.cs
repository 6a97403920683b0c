using Xunit.Abstractions;
using Xunit.Sdk;

namespace DevOpsAgent.IntegrationTests.MultiHost;

/// <summary>The place of a test in its class's sequence (see <see cref="ByOrder"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OrderAttribute(int value) : Attribute
{
    public int Value { get; } = value;
}

/// <summary>
/// Runs a class's tests by their <see cref="OrderAttribute"/>: the fleet tests share the hosts, and each one starting
/// where the one before left them saves a deploy.
/// </summary>
public sealed class ByOrder : ITestCaseOrderer
{
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(test => test.TestMethod.Method.GetCustomAttributes(typeof(OrderAttribute).AssemblyQualifiedName!)
            .Select(a => (int)a.GetConstructorArguments().First())
            .DefaultIfEmpty(int.MaxValue)
            .First());
}
