import {
  Anchor,
  Button,
  Code,
  Container,
  Group,
  List,
  ListItem,
  Stack,
  Text,
  Title,
} from "@mantine/core";

export default function HomePage() {
  return (
    <Container size="sm" py={64}>
      <Stack gap="lg">
        <Title order={1}>Collaboration sessions</Title>
        <Text size="lg" c="dimmed">
          A self-hostable, HiAR-compatible collaboration-session service. Third-party servers call
          its signed REST API; operators use the console.
        </Text>
        <List spacing="xs">
          <ListItem>
            <Code>POST /session/invite</Code> rings members into an ongoing session
          </ListItem>
          <ListItem>
            <Code>POST /create</Code> creates a collaboration and its session
          </ListItem>
          <ListItem>
            <Code>POST /user/query</Code> lists a member&apos;s collaborations
          </ListItem>
        </List>
        <Group>
          <Button component="a" href="/console">
            Open the operator console
          </Button>
          <Anchor href="/docs">API reference</Anchor>
          <Anchor href="/openapi.json">OpenAPI document</Anchor>
          <Anchor href="/healthz">Health</Anchor>
        </Group>
      </Stack>
    </Container>
  );
}
