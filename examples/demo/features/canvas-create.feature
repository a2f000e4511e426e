@domain:canvas-create-symphony
Feature: Create a component from a template

  Scenario: A component appears on the canvas
    Given the template library is loaded
    When the user drops a template on the canvas
    Then canvas:create:render is emitted
