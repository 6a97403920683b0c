namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// The test classes that deploy the bed's reference stack itself (/var/www/shop, compose projects shop-staging and
/// shop-production, the bed's HTTP ports): they share it, so they run one after another. Every other class has an
/// app folder, projects and ports of its own and runs beside them.
/// </summary>
public static class ReferenceStack
{
    public const string Collection = "reference stack";
}
