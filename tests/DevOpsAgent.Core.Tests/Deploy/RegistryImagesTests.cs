using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Deploy;

namespace DevOpsAgent.Core.Tests.Deploy;

/// <summary>A fleet's release images through its registry: the exact docker commands.</summary>
public sealed class RegistryImagesTests
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";
    private const string Digest = "sha256:4b0b1a6bd6f1c4ee7b4d2b2c7f05fce8d2b3c9e1d6a7f8e9d0c1b2a3f4e5d6c7";

    private static readonly ComposeCommands V1 = new(ComposeFlavor.V1, "/var/www/shop", "shop-production", ["docker-compose.prod.yml"]);
    private static readonly ComposeCommands V2 = V1 with { Flavor = ComposeFlavor.V2 };

    [Fact]
    public void A_release_image_is_named_as_the_swarm_engine_names_it_with_the_compose_project() =>
        Assert.Equal("10.77.0.1:5000/shop-production-backend:0123456789ab", RegistryImages.ImageFor("10.77.0.1:5000", V1, "backend", Commit));

    [Fact]
    public void The_services_built_are_read_from_what_keep_images_printed_with_either_compose()
    {
        Assert.Equal(
            [("backend", "sha256:aaa"), ("frontend", "sha256:bbb")],
            RegistryImages.Built(V1, "shop-production_backend sha256:aaa\nshop-production_frontend sha256:bbb\n"));
        Assert.Equal([("backend", "sha256:aaa")], RegistryImages.Built(V2, "shop-production-backend sha256:aaa\nshop-productionx-web sha256:ccc\n\n"));
    }

    [Fact]
    public void The_build_is_tagged_for_the_registry_by_its_id_pushed_and_untagged()
    {
        Assert.Equal("docker tag sha256:aaa 10.77.0.1:5000/shop-production-backend:0123456789ab",
            RegistryImages.Tag("sha256:aaa", "10.77.0.1:5000/shop-production-backend:0123456789ab").Text);
        Assert.Equal("docker push 10.77.0.1:5000/shop-production-backend:0123456789ab", RegistryImages.Push("10.77.0.1:5000/shop-production-backend:0123456789ab").Text);
        Assert.Equal("docker rmi 10.77.0.1:5000/shop-production-backend:0123456789ab", RegistryImages.Untag("10.77.0.1:5000/shop-production-backend:0123456789ab").Text);
    }

    [Fact]
    public void The_push_output_pins_the_image_by_digest()
    {
        const string Output = "The push refers to repository [10.77.0.1:5000/shop-production-backend]\n5f70bf18a086: Pushed\n"
            + $"0123456789ab: digest: {Digest} size: 1784\n";

        Assert.Equal($"10.77.0.1:5000/shop-production-backend@{Digest}", RegistryImages.PinnedReference("10.77.0.1:5000/shop-production-backend:0123456789ab", Output));
        Assert.Equal($"registry/shop-backend@{Digest}", RegistryImages.PinnedReference("registry/shop-backend", $"latest: digest: {Digest} size: 1"));
        Assert.Null(RegistryImages.PinnedReference("10.77.0.1:5000/shop-production-backend:0123456789ab", "Pushed\n"));
    }

    [Fact]
    public void Another_host_pulls_by_digest_and_tags_it_where_compose_looks_for_the_services_build()
    {
        var reference = $"10.77.0.1:5000/shop-production-backend@{Digest}";

        Assert.Equal($"docker pull --quiet {reference}", RegistryImages.Pull(reference).Text);
        Assert.Equal($"docker tag {reference} shop-production_backend:latest", RegistryImages.TagAsBuilt(V1, "backend", reference).Text);
        Assert.Equal($"docker tag {reference} shop-production-backend:latest", RegistryImages.TagAsBuilt(V2, "backend", reference).Text);
    }
}
